# Neighbourhood work a center (above all a social-health base, seed 004) keeps as structured records. Every
# model is tenant-owned: a `center` foreign key and `objects = ScopedManager(center="center")`. One module per
# area: the needs assessment and the asset register (`assessment`), the map of social harms (`harms`), the
# participatory plan, collective actions and partnerships (`planning`).
from .assessment import *  # noqa: F403
from .harms import *  # noqa: F403
from .planning import *  # noqa: F403
