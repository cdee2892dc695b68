"""The cross-service tests start the services as processes; like every test run, they never read the
``.env`` files command 1 writes (``common.settings.read_dotenv``): settings come from the environment."""

import os

os.environ["IGNORE_DOTENV"] = "1"
