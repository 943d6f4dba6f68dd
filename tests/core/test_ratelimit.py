"""The rate limiter: so many hits per window per key, then a refusal that says how long to wait."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory, TestCase, override_settings

import pytest

from stap.core.ratelimit import Limit, client_key, hit, hit_all

PER_MINUTE = Limit(scope="test", count=3, seconds=60)
START = 1_800_000_000.0  # the start of a minute


class LimitTests(TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_hits_up_to_the_limit_pass_and_the_next_one_is_refused(self) -> None:
        verdicts = [hit(PER_MINUTE, "a", at=START + second) for second in range(4)]

        self.assertEqual([verdict.allowed for verdict in verdicts], [True, True, True, False])
        self.assertEqual(verdicts[-1].scope, "test")

    def test_a_refusal_says_how_many_seconds_are_left_in_the_window(self) -> None:
        for _ in range(3):
            hit(PER_MINUTE, "a", at=START)

        verdict = hit(PER_MINUTE, "a", at=START + 45.5)

        self.assertFalse(verdict.allowed)
        self.assertEqual(verdict.retry_after, 15)

    def test_the_shared_counter_survives_many_clients(self) -> None:
        everyone = Limit(scope="everyone", count=1, seconds=60)
        self.assertTrue(hit(everyone, at=START).allowed)
        for client in range(400):  # more entries than Django's default cache keeps (300)
            hit(PER_MINUTE, f"client-{client}", at=START)

        self.assertFalse(hit(everyone, at=START).allowed)

    def test_the_next_window_starts_counting_again(self) -> None:
        for _ in range(4):
            hit(PER_MINUTE, "a", at=START)

        self.assertTrue(hit(PER_MINUTE, "a", at=START + 60).allowed)

    def test_each_key_has_its_own_count(self) -> None:
        for _ in range(4):
            hit(PER_MINUTE, "a", at=START)

        self.assertTrue(hit(PER_MINUTE, "b", at=START).allowed)

    def test_limits_with_another_scope_do_not_share_a_count(self) -> None:
        other = Limit(scope="other", count=3, seconds=60)
        for _ in range(4):
            hit(PER_MINUTE, "a", at=START)

        self.assertTrue(hit(other, "a", at=START).allowed)

    def test_a_client_refused_by_its_own_limit_does_not_use_up_the_shared_one(self) -> None:
        shared = Limit(scope="everyone", count=5, seconds=60)
        for _ in range(10):
            hit_all([(PER_MINUTE, "greedy"), (shared, "")], at=START)

        self.assertTrue(hit_all([(PER_MINUTE, "polite"), (shared, "")], at=START).allowed)
        self.assertTrue(hit_all([(PER_MINUTE, "polite"), (shared, "")], at=START).allowed)

    def test_the_shared_limit_refuses_everyone_once_it_is_used_up(self) -> None:
        shared = Limit(scope="everyone", count=4, seconds=60)
        for client in ("a", "b", "c", "d"):
            hit_all([(PER_MINUTE, client), (shared, "")], at=START)

        verdict = hit_all([(PER_MINUTE, "e"), (shared, "")], at=START + 1)

        self.assertFalse(verdict.allowed)
        self.assertEqual(verdict.scope, "everyone")

    def test_the_cache_keeps_no_address_in_the_clear(self) -> None:
        hit(PER_MINUTE, "192.0.2.7", at=START)

        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM stap_cache")
            keys = [key for (key,) in cursor.fetchall()]
        self.assertTrue(any("ratelimit:test" in key for key in keys))
        self.assertFalse(any("192.0.2.7" in key for key in keys))


def test_a_limit_needs_a_count_and_a_window() -> None:
    with pytest.raises(ValueError):
        Limit(scope="x", count=0, seconds=60)
    with pytest.raises(ValueError):
        Limit(scope="x", count=1, seconds=0)


class ClientKeyTests(TestCase):
    def request(self, remote: str, forwarded: str = "") -> HttpRequest:
        request = RequestFactory().get("/", REMOTE_ADDR=remote)
        if forwarded:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return request

    def test_an_ipv4_client_is_its_address(self) -> None:
        self.assertEqual(client_key(self.request("192.0.2.7")), "192.0.2.7")

    def test_an_ipv6_client_is_counted_per_64_block(self) -> None:
        first = client_key(self.request("2001:db8:1:2::1"))
        second = client_key(self.request("2001:db8:1:2:ffff::9"))

        self.assertEqual(first, "2001:db8:1:2::/64")
        self.assertEqual(first, second)

    def test_a_forwarded_for_header_is_ignored_without_trusted_proxies(self) -> None:
        request = self.request("192.0.2.7", forwarded="203.0.113.9")

        self.assertEqual(client_key(request), "192.0.2.7")

    @override_settings(STAP_TRUSTED_PROXIES=1)
    def test_behind_one_trusted_proxy_the_address_it_saw_counts_not_what_the_client_wrote(
        self,
    ) -> None:
        request = self.request("10.0.0.2", forwarded="198.51.100.1, 203.0.113.9")

        self.assertEqual(client_key(request), "203.0.113.9")
