"""The work plan's targets: declared as data (resources/config/targets.json), computed by rules registered
by target id. The rules read plain facts handed to them by the services; they never query the database."""

from .enforcement_targets import EnforcementFacts
from .people_targets import PEOPLE, PeopleFacts
from .targets import ENFORCEMENT, HAZARDS, Evaluation, Measure, Target, evaluate, rules, targets

__all__ = ["ENFORCEMENT", "HAZARDS", "PEOPLE", "EnforcementFacts", "Evaluation", "Measure", "PeopleFacts", "Target",
           "evaluate", "rules", "targets"]
