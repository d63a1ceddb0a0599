from unittest import mock

from app.pricing import line_total, notify


def test_line_total():  # expect: mirror-test
    assert line_total(10.0, 3) == round(10.0 * 3 * (1 + 0.2), 2)


def test_line_total_again():  # expect: mirror-test
    expected = line_total(4.0, 2)
    assert line_total(4.0, 2) == expected


def test_notify():  # expect: mirror-test
    mailer = mock.Mock()
    user = mock.Mock(email="ann@example.com")
    notify(user, mailer)
    mailer.send.assert_called_once_with("ann@example.com", "Your order shipped")
