"""The named error of open data: a dataset whose files do not validate is not served."""

from __future__ import annotations

from convergence.errors import InvalidInput


class DatasetNotValid(InvalidInput):
    """A dataset's files do not follow their schema; ``details`` lists every reason."""

    code = "dataset_not_valid"
