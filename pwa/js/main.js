// Entry point: everything starts from app.js; this file stays tiny so it parses fast.
import "./version.js";
import { start } from "./app.js";

start();
