"""Questionnaires as data: the schema, the practice principles and the loader."""

from sg_assess.questionnaire.schema import AGE_BANDS, GROUP_KINDS, KINDS, Question, Questionnaire, Section

__all__ = ["AGE_BANDS", "GROUP_KINDS", "KINDS", "Question", "Questionnaire", "Section"]
