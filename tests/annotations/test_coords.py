"""Pixels <-> Label Studio percentages: exact round trips, clamping, rotation, thin boxes."""

import pytest

from xxgk.annotations.coords import from_percent, same_rect, to_percent

W, H = 1654.0, 2339.0


def test_coords_round_trip_is_exact():
    box = (100.5, 200.25, 300.0, 260.75)
    assert from_percent(dict(to_percent(box, W, H)), W, H) == pytest.approx(box)


def test_coords_percentages_of_page_size():
    assert to_percent((0, 0, W / 2, H / 4), W, H) == {"x": 0.0, "y": 0.0, "width": 50.0, "height": 25.0,
                                                       "rotation": 0.0}


def test_coords_clamp_to_the_page_both_ways():
    rect = to_percent((-10, -5, W + 30, H + 1), W, H)
    assert (rect["x"], rect["y"], rect["width"], rect["height"]) == (0.0, 0.0, 100.0, 100.0)
    assert from_percent({"x": -3, "y": 98, "width": 10, "height": 10}, W, H) == pytest.approx(
        (0.0, 0.98 * H, 0.07 * W, H))


def test_coords_rotated_rectangle_gives_its_enclosing_box():
    # 90 degrees clockwise around the top-left corner: the box swings to the left of x
    rect = {"x": 50.0, "y": 10.0, "width": 100 * 100 / W, "height": 100 * 20 / H, "rotation": 90}
    x0, y0, x1, y1 = from_percent(rect, W, H)
    assert (x0, y0, x1, y1) == pytest.approx((W / 2 - 20, 0.1 * H, W / 2, 0.1 * H + 100))


def test_coords_thin_boxes_are_widened_around_their_centre():
    rect = to_percent((500, 500, 500, 520), W, H, min_size=4)
    x0, y0, x1, y1 = from_percent(dict(rect), W, H)
    assert (x0, x1) == pytest.approx((498, 502)) and (y0, y1) == pytest.approx((500, 520))
    at_edge = from_percent(dict(to_percent((W, 10, W, 30), W, H, min_size=4)), W, H)
    assert at_edge[0] == pytest.approx(W - 4) and at_edge[2] == pytest.approx(W)


def test_coords_same_rect_ignores_browser_rounding():
    rect = dict(to_percent((10, 10, 50, 50), W, H))
    assert same_rect(rect, {**rect, "x": rect["x"] + 1e-5})
    assert not same_rect(rect, {**rect, "x": rect["x"] + 0.5})


def test_coords_refuse_an_empty_page():
    with pytest.raises(ValueError):
        to_percent((0, 0, 1, 1), 0, 100)
