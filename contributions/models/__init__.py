"""The contributions app's models, one module per area: the ledger core, gifts (contributions and campaigns),
in-kind stock, pledges and receipts."""

from .gifts import Campaign, ConstructionDetail, Contribution, InKindLine, ServiceDetail  # noqa: F401
from .ledger import Account, CentralAllocation, LedgerTransaction, Posting, Purpose  # noqa: F401
from .pledges import *  # noqa: F403
from .receipts import *  # noqa: F403
from .stock import *  # noqa: F403
