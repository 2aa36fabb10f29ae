from . import test_install
from . import test_dunning_run
from . import test_channels
from . import test_categories
from . import test_reliability
from . import test_access
from . import test_performance
from . import test_ui
