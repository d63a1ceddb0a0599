import pytest

from app.pricing import line_total


def test_line_total_worked_example():
    assert line_total(10.0, 3) == 36.0


@pytest.mark.parametrize("price, qty, want", [(1.0, 1, 1.2), (0.0, 5, 0.0)])
def test_line_total_table(price, qty, want):
    assert line_total(price, qty) == want


def test_tax_free_is_price_times_qty():
    assert line_total(2.5, 4, tax_rate=0) == line_total(5.0, 2, tax_rate=0)
