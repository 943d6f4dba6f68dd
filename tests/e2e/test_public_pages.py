import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import AccessibilityChecked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_start_page_names_every_face_of_the_product(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    page.goto(live_server.url)
    axe.check()

    for face in (
        "Opleidersportaal",
        "Mijn DUO zakelijk",
        "Mijn STAP-budget",
        "Scholingsregister",
        "Backoffice",
    ):
        expect(page.get_by_role("link", name=face, exact=True)).to_be_visible()


def test_the_nl_design_system_css_is_really_applied(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    page.goto(live_server.url + "/opleidersportaal/")
    axe.check()

    # An unstyled page passes axe too, so check that the primary button is painted with the
    # voorbeeld theme's token through the Utrecht button component's CSS.
    button = page.get_by_role("button", name="Inloggen met eHerkenning")
    painted = button.evaluate("element => getComputedStyle(element).backgroundColor")
    expected = page.evaluate(
        """() => {
            const probe = document.createElement("div");
            probe.style.backgroundColor = "var(--utrecht-button-primary-action-background-color)";
            document.body.append(probe);
            const colour = getComputedStyle(probe).backgroundColor;
            probe.remove();
            return colour;
        }"""
    )
    assert expected not in ("", "rgba(0, 0, 0, 0)"), "the theme tokens did not load"
    assert painted == expected, "the Utrecht button CSS did not load"
    header = page.locator(".stap-header")
    assert header.evaluate("element => getComputedStyle(element).display") == "flex", (
        "the product's own layout CSS did not load"
    )


def test_the_language_switch_shows_the_site_in_english_and_back(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked
) -> None:
    page.goto(live_server.url)
    axe.check()

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    axe.check()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2)).to_have_text("Choose where you want to go")

    with page.expect_navigation():
        page.get_by_role("button", name="Nederlands").click()
    axe.check()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


@pytest.mark.parametrize(
    "path",
    [
        "/toegankelijkheid/",
        "/privacy/",
        "/mijn-stap-budget/",
        "/aanvraagtijdvakken/",
        "/bestaat-niet/",
    ],
)
def test_every_public_page_passes_axe(
    live_server: LiveServer, page: Page, axe: AccessibilityChecked, path: str
) -> None:
    page.goto(live_server.url + path)
    axe.check()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
