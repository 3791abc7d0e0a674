"""Facts about this repository that do not change per commit or machine.

Set SOURCE_URL to your repository's URL once; it becomes the image's
`org.opencontainers.image.source` label. It is deliberately not computed
from git: the image digest must not depend on where the sources were cloned
from.
"""

SOURCE_URL = "https://github.com/example-org/civet-api"
