"""django-ninja's paginations with every number bounded: ?page=99999999999999999999 made an
OFFSET past any database integer, and the database's error a 500. Past the bound the API
answers 422 naming the parameter."""

from __future__ import annotations

from django.conf import settings
from ninja import Field
from ninja import pagination as ninja_pagination

# Fifty rows a page: fifty million rows in, far past any list a person pages through.
MAX_PAGE = 1_000_000
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 1000


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    class Input(ninja_pagination.PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_LIMIT)


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    class Input(ninja_pagination.LimitOffsetPagination.Input):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
