import sys

from mlcore.train.cli import main

sys.exit(main())
