"""Imports every domain's models so Base.metadata knows all tables (for Alembic and tests)."""
from selfhelp.accounts import models as accounts  # noqa: F401
from selfhelp.audit import models as audit  # noqa: F401
from selfhelp.checkins import models as checkins  # noqa: F401
from selfhelp.courses import models as courses  # noqa: F401
from selfhelp.measures import models as measures  # noqa: F401
from selfhelp.notifications import models as notifications  # noqa: F401
from selfhelp.privacy import models as privacy  # noqa: F401
from selfhelp.programs import models as programs  # noqa: F401
from selfhelp.pathway import models as pathway  # noqa: F401
from selfhelp.operations import models as operations  # noqa: F401
