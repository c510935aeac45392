"""The contributions app's services, one module per area. The ledger's writers are re-exported here, so
``from contributions.services import cash_received`` keeps working."""

from .batch import (  # noqa: F401, E402
    CashGift,
    contributions_check_cash_batch,
    contributions_record_cash_batch,
)
from .central import (  # noqa: F401, E402
    central_allocate,
    central_pool,
    central_shares,
    central_transfer,
)
from .gifts import (  # noqa: F401, E402
    ConstructionGiven,
    GoodsLine,
    ServiceGiven,
    contribution_confirm,
    contribution_record,
    contribution_record_cash,
    contribution_reverse,
    donor_link,
)
from .ledger import (  # noqa: F401
    account_for,
    cash_received,
    fund_balances,
    fund_transfer,
    spend,
    transaction_post,
    transaction_reverse,
)
