"""marshmallow schemas: the only wire format, one module per resource."""
