"""The one-time link (no sign-in) and answering in the portal."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from opsbook.surveys import services
from opsbook.surveys.choices import QuestionKind, Via
from opsbook.surveys.models import Answer, Choice, Invitation, Response
from opsbook.surveys.testing import answers, token_of

pytestmark = pytest.mark.django_db


def _link(invitation) -> str:
    return reverse("portal:surveys:link", args=[token_of(invitation)])


@pytest.fixture
def dana_invitation(sent, personas):
    return Invitation.objects.get(campaign=sent.campaign, contact=personas.dana)


def test_the_link_opens_the_survey_without_sign_in_and_notes_the_opening(
    client, sent, dana_invitation
):
    page = client.get(_link(dana_invitation))
    assert page.status_code == 200
    assert sent.survey.title in page.text
    assert "您有多大可能向同事推荐我们的服务？" in page.text
    dana_invitation.refresh_from_db()
    assert dana_invitation.opened_at == sent.now
    # Opening answers nothing.
    assert not Response.objects.exists()
    assert dana_invitation.responded_at is None


def test_nothing_is_preselected_on_the_form(client, sent, dana_invitation):
    page = client.get(_link(dana_invitation))
    assert "checked" not in page.text


def test_the_link_records_the_answers_once(client, sent, dana_invitation, time_machine):
    link = _link(dana_invitation)
    data = answers(sent.survey, nps=9, rating=4, channels=["电话", "邮件"], text="很好")
    time_machine.move_to(sent.now + timedelta(hours=2), tick=False)
    done = client.post(link, data)
    assert done.status_code == 200
    assert "感谢" in done.text or "Thank you" in done.text
    response = Response.objects.get()
    assert response.invitation == dana_invitation
    assert response.via == Via.LINK
    assert response.customer == dana_invitation.customer
    assert response.submitted_at == sent.now + timedelta(hours=2)
    scores = dict(Answer.objects.filter(score__isnull=False).values_list("question__kind", "score"))
    assert scores == {QuestionKind.NPS: 9, QuestionKind.RATING: 4}
    assert sorted(Choice.objects.values_list("option", flat=True)) == ["电话", "邮件"]
    assert Answer.objects.get(question__kind=QuestionKind.TEXT).text == "很好"
    dana_invitation.refresh_from_db()
    assert dana_invitation.responded_at == sent.now + timedelta(hours=2)

    again = client.post(link, answers(sent.survey, nps=0, rating=1))
    assert again.status_code == 410
    assert "already been answered" in again.text or "已" in again.text
    assert Response.objects.count() == 1
    assert client.get(link).status_code == 410


def test_a_wrong_link_says_only_that_it_is_not_valid(client, sent, dana_invitation):
    for token in ("nope", token_of(dana_invitation)[:-1] + "x", "x" * 300):
        page = client.get(reverse("portal:surveys:link", args=[token]))
        assert page.status_code == 404
        assert sent.survey.title not in page.text
        assert "星火教育" not in page.text
    assert not Invitation.objects.filter(opened_at__isnull=False).exists()


def test_an_expired_link_is_refused_and_names_nothing(client, sent, dana_invitation, time_machine):
    link = _link(dana_invitation)
    time_machine.move_to(sent.campaign.closes_at, tick=False)
    page = client.get(link)
    assert page.status_code == 410
    assert sent.survey.title not in page.text
    posted = client.post(link, answers(sent.survey, nps=10, rating=5))
    assert posted.status_code == 410
    assert not Response.objects.exists()


def test_a_used_link_names_nothing(client, sent, dana_invitation):
    link = _link(dana_invitation)
    client.post(link, answers(sent.survey, nps=3, rating=2))
    page = client.get(link)
    assert page.status_code == 410
    assert sent.survey.title not in page.text


def test_a_submission_without_the_csrf_token_is_refused(sent, dana_invitation):
    strict = Client(enforce_csrf_checks=True)
    posted = strict.post(_link(dana_invitation), answers(sent.survey, nps=10, rating=5))
    assert posted.status_code == 403
    assert not Response.objects.exists()


def test_missing_and_invalid_answers_are_named_and_nothing_is_written(
    client, sent, dana_invitation
):
    link = _link(dana_invitation)
    page = client.post(link, {})
    assert page.status_code == 400
    assert page.text.count("invalid-feedback") == 2  # the two required questions
    nps = sent.survey.questions.get(kind=QuestionKind.NPS)
    bad = client.post(link, {**answers(sent.survey, rating=3), nps.field_name: "11"})
    assert bad.status_code == 400
    assert not Response.objects.exists()
    dana_invitation.refresh_from_db()
    assert dana_invitation.responded_at is None
    bad_option = client.post(link, answers(sent.survey, nps=5, rating=3, channels=["飞鸽传书"]))
    assert bad_option.status_code == 400
    assert not Response.objects.exists()


def test_optional_questions_left_blank_get_no_answer(client, sent, dana_invitation):
    client.post(_link(dana_invitation), answers(sent.survey, nps=7, rating=3))
    response = Response.objects.get()
    assert sorted(a.question.kind for a in response.answers.all()) == ["nps", "rating"]


def test_the_service_refuses_an_answer_of_another_contact(sent, personas, dana_invitation):
    with pytest.raises(services.PermissionDenied):
        services.do_submit_response(
            dana_invitation,
            answers(sent.survey, nps=9, rating=5),
            via=Via.PORTAL,
            now=sent.now,
            actor=personas.carl,
        )
    assert not Response.objects.exists()


# --- the portal (signed in) -------------------------------------------------------------------


def test_a_contact_sees_and_answers_their_open_surveys_in_the_portal(client, sent, personas):
    client.force_login(personas.dana)
    home = client.get(reverse("portal:surveys:list"))
    assert home.status_code == 200
    assert sent.survey.title in home.text
    mine = Invitation.objects.get(contact=personas.dana)
    page = client.get(reverse("portal:surveys:answer", args=[mine.pk]))
    assert page.status_code == 200
    done = client.post(
        reverse("portal:surveys:answer", args=[mine.pk]), answers(sent.survey, nps=10, rating=5)
    )
    assert done.status_code == 200
    assert Response.objects.get().via == Via.PORTAL
    again = client.get(reverse("portal:surveys:answer", args=[mine.pk]))
    assert again.status_code == 410
    assert 'id="link-problem"' in again.text
    home = client.get(reverse("portal:surveys:list"))
    assert "No open surveys" in home.text or "没有" in home.text


def test_a_contact_cannot_open_another_contacts_invitation(client, sent, personas):
    theirs = Invitation.objects.get(contact=personas.dana)
    client.force_login(personas.carl)
    assert client.get(reverse("portal:surveys:answer", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:surveys:answer", args=[theirs.pk]),
            answers(sent.survey, nps=1, rating=1),
        ).status_code
        == 404
    )
    assert sent.survey.title in client.get(reverse("portal:surveys:list")).text  # carl's own
    assert not Response.objects.exists()


def test_staff_are_sent_away_from_the_portals_survey_pages(client, sent, personas):
    client.force_login(personas.alice)
    assert client.get(reverse("portal:surveys:list")).status_code == 302
