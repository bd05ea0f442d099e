"""Counts that stop counting: a district's queue holds tens of thousands of events, and a
COUNT(*) over all of them costs more than the page of fifty that is shown.

A list counts at most a fixed reach past the page asked for, enough to draw the page
links around it; past that it says "or more" instead of the exact total.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

from gridgov.core.paging import MAX_PAGE, PageNumberPagination

COUNT_REACH = 1000


def capped_count(rows: QuerySet[Any], limit: int) -> int:
    """The number of rows, counted no further than limit + 1 (which says "more than limit").
    Only the keys are selected, so per-row annotations and joined columns are not computed."""
    return rows.order_by().values("pk")[: limit + 1].count()


def _page_number(number: Any) -> int:
    try:
        return min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


class CappedPaginator(Paginator[Any]):
    """Counts up to COUNT_REACH rows past the page asked for; `capped` tells the real total
    is larger, so a page link past the last one counted may still be followed."""

    def __init__(self, object_list: QuerySet[Any], per_page: int) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.limit = COUNT_REACH
        self.capped = False

    def get_page(self, number: Any) -> Page[Any]:
        number = _page_number(number)
        self.limit = number * self.per_page + COUNT_REACH
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        found = capped_count(self.rows, self.limit)
        self.capped = found > self.limit
        return min(found, self.limit)


class CappedPageNumberPagination(PageNumberPagination):
    """django-ninja's page-number pagination with the count capped as above."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description="The number of items, or a lower bound when count_capped is true."
        )
        count_capped: bool = Field(
            description=f"More items exist than counted: counting stops {COUNT_REACH} past "
            "the page asked for."
        )

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: ninja_pagination.PageNumberPagination.Input,
        request: Any,
        **params: Any,
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        limit = offset + page_size + COUNT_REACH
        found = capped_count(queryset, limit)
        return {
            "items": queryset[offset : offset + page_size],
            "count": min(found, limit),
            "count_capped": found > limit,
        }
