"""Imports every feature's models so the metadata (and Alembic) sees all tables."""

from portfolio.audits.models import Audit, Recommendation, RecommendationResponse, ResponseAction  # noqa: F401
from portfolio.auth.models import User, UserRole  # noqa: F401
from portfolio.benefits.models import Benefit, BenefitCase, CostLine  # noqa: F401
from portfolio.changelog.models import ChangeLogEntry  # noqa: F401
from portfolio.followups.models import Evaluation, FollowUp, Measurement  # noqa: F401
from portfolio.ideas.models import Idea, SimilarMark  # noqa: F401
from portfolio.initiatives.models import FundingLine, Initiative, StaffingLine  # noqa: F401
from portfolio.jobs.models import BackgroundJob  # noqa: F401
from portfolio.needs.models import NeedsAnalysis  # noqa: F401
from portfolio.plans.models import CommitteePlan, GoalFollowUp, PlanGoal  # noqa: F401
from portfolio.prioritisation.models import CriteriaSet, Criterion, PortfolioDecision, Score  # noqa: F401
from portfolio.programme.models import FundingSource, OrgUnit, Principle, PriorityArea  # noqa: F401
from portfolio.reminders.models import ReminderDelivery  # noqa: F401
from portfolio.reports.models import PublishedReport  # noqa: F401
from portfolio.risks.models import Risk, RiskAssessment  # noqa: F401
