"""The lossless JSON export: everything needed to rebuild the assessment elsewhere (the record as plain data is
``records.assessment_dict``, which bundles carry too)."""

from __future__ import annotations

import json

from sg_assess import __version__
from sg_assess.safetext import json_safe
from sg_assess.records import AssessmentRecord, assessment_dict

FORMAT = "sg-assess/assessment"
FORMAT_VERSION = 1


def render_json(record: AssessmentRecord) -> str:
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, "exported_by": f"sg-assess {__version__}",
               "assessment": assessment_dict(record, full=True)}
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"
