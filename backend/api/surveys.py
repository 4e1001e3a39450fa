from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.guard import actor
from backend.extensions import db
from backend.schemas.surveys import (
    ResultCodeSchema,
    ResultCodeUpdateSchema,
    SurveyQuestionQuerySchema,
    SurveyQuestionSchema,
    SurveyQuestionUpdateSchema,
)
from backend.services import surveys as survey_service

blp = Blueprint("surveys", __name__, url_prefix="/api",
                description="Survey questions with responses, and result codes")


@blp.route("/survey_questions")
class SurveyQuestions(MethodView):
    @blp.arguments(SurveyQuestionQuerySchema, location="query")
    @blp.response(200, SurveyQuestionSchema(many=True))
    def get(self, query):
        """Survey questions in order (canvassers see only active ones)."""
        return survey_service.list_questions(db.session, actor(), active=query["active"])

    @blp.arguments(SurveyQuestionSchema)
    @blp.response(201, SurveyQuestionSchema)
    def post(self, data):
        return survey_service.create_question(db.session, data, actor())


@blp.route("/survey_questions/<int:question_id>")
class SurveyQuestionById(MethodView):
    @blp.response(200, SurveyQuestionSchema)
    def get(self, question_id):
        return survey_service.get_question(db.session, question_id, actor())

    @blp.arguments(SurveyQuestionUpdateSchema)
    @blp.response(200, SurveyQuestionSchema)
    def patch(self, data, question_id):
        """Change a question; ``responses`` (if given) is the whole new list, ids kept."""
        return survey_service.update_question(db.session, question_id, data, actor())

    @blp.response(204)
    def delete(self, question_id):
        """Retire a question (phones may hold offline answers to it, which are still kept)."""
        survey_service.delete_question(db.session, question_id, actor())


@blp.route("/result_codes")
class ResultCodes(MethodView):
    @blp.response(200, ResultCodeSchema(many=True))
    def get(self):
        """Result codes in order (canvassers see only enabled ones)."""
        return survey_service.list_result_codes(db.session, actor())

    @blp.arguments(ResultCodeSchema)
    @blp.response(201, ResultCodeSchema)
    def post(self, data):
        return survey_service.create_result_code(db.session, data, actor())


@blp.route("/result_codes/<int:code_id>")
class ResultCodeById(MethodView):
    @blp.arguments(ResultCodeUpdateSchema)
    @blp.response(200, ResultCodeSchema)
    def patch(self, data, code_id):
        """Rename, reorder, enable or disable a result code."""
        return survey_service.update_result_code(db.session, code_id, data, actor())
