"""Every record kind, by name. Adding a kind: declare it, add its migration, register it here."""

from .document import ATTACHMENT, DOCUMENT
from .emergency import DRILL, DRILL_PROBLEM, PLAN, TEAM, TEAM_EQUIPMENT
from .hazard import HAZARD, HAZARD_EVENT
from .inspection import INSPECTION, INSPECTION_ITEM, INSPECTION_OFFICER
from .person import CERTIFICATE, PERSON, TRAINING, TRAINING_ATTENDEE
from .plan_records import ACCIDENT, EXPOSURE, FIRE, MEETING, REWARD, ROAD_CHECK
from .progress import PROGRESS
from .records import RecordKind
from .snapshot import RETURN_SNAPSHOT
from .unit import UNIT

KINDS: dict[str, RecordKind] = {k.name: k for k in (
    UNIT, HAZARD, HAZARD_EVENT, RETURN_SNAPSHOT, INSPECTION, INSPECTION_ITEM, INSPECTION_OFFICER, DOCUMENT,
    ATTACHMENT, PERSON, TRAINING, TRAINING_ATTENDEE, CERTIFICATE, PLAN, DRILL, DRILL_PROBLEM, TEAM, TEAM_EQUIPMENT,
    ACCIDENT, FIRE, ROAD_CHECK, REWARD, EXPOSURE, MEETING, PROGRESS)}
