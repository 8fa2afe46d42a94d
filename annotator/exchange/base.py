"""What import and export share: the progress callback and the refusal."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], "bool | None"]
"""Called with (done, total); returning False cancels. A total of 0: not known
(an import that writes records as it reads them)."""



class ExchangeError(ValueError):
    """An import or export that cannot go ahead; nothing was changed."""
