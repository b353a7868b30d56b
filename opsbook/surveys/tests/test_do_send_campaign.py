from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.accounts.testing import make_user
from opsbook.audit.models import AuditEntry
from opsbook.notify.models import Delivery
from opsbook.surveys import services, tokens
from opsbook.surveys.choices import QuestionKind
from opsbook.surveys.models import Answer, Invitation, Response
from opsbook.surveys.testing import make_campaign, make_survey, token_of

pytestmark = pytest.mark.django_db


def test_it_invites_each_contact_of_the_audience_once_and_queues_their_emails(world, personas):
    sent = services.do_send_campaign(personas.mia, world.campaign, world.now)

    invited = Invitation.objects.filter(campaign=world.campaign)
    assert sorted(i.contact.username for i in invited) == ["carl", "dana", "dina"]
    assert (sent.invited, sent.already) == (3, 0)
    # carl has no e-mail address: he sees the survey in the portal only.
    assert sent.mailed == 2
    mails = Delivery.objects.filter(event="survey_invitation")
    assert sorted(m.address for m in mails) == ["dana@xinghuo.example", "dina@xinghuo.example"]
    dana = invited.get(contact=personas.dana)
    assert dana.customer == personas.customer_a
    assert dana.sent_at == world.now
    assert dana.expires_at == world.campaign.closes_at
    mail = mails.get(address="dana@xinghuo.example")
    assert "/portal/survey/" in mail.link
    assert mail.link in mail.body
    world.campaign.refresh_from_db()
    assert world.campaign.sent_at == world.now
    assert world.campaign.sent_by == personas.mia


def test_only_a_digest_of_the_link_token_is_stored(sent, personas):
    invitation = Invitation.objects.get(contact=personas.dana)
    token = token_of(invitation)
    assert len(token) >= 40
    assert invitation.digest == tokens.digest(token)
    assert token not in invitation.digest
    assert not Invitation.objects.filter(digest=token).exists()


def test_sending_again_invites_nobody_twice_but_adds_new_contacts(sent, personas):
    again = services.do_send_campaign(personas.mia, sent.campaign, sent.now)
    assert (again.invited, again.mailed, again.already) == (0, 0, 3)
    assert AuditEntry.objects.for_object(sent.campaign).filter(action="update").count() == 1

    make_user("dora", "customer", customer=personas.customer_a, email="dora@xinghuo.example")
    later = services.do_send_campaign(personas.mia, sent.campaign, sent.now + timedelta(hours=1))
    assert (later.invited, later.mailed, later.already) == (1, 1, 3)
    assert Invitation.objects.filter(campaign=sent.campaign).count() == 4
    assert Delivery.objects.filter(event="survey_invitation").count() == 3
    sent.campaign.refresh_from_db()
    assert sent.campaign.sent_at == sent.now  # the first send


def test_a_send_is_audited(sent, personas):
    entry = AuditEntry.objects.for_object(sent.campaign).filter(action="update").get()
    assert entry.actor == personas.mia
    assert entry.changes["invitations"] == [0, 3]
    assert entry.changes["sent_at"][0] is None


def test_nothing_is_answered_by_sending(sent):
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Invitation.objects.filter(responded_at__isnull=False).exists()
    assert not Invitation.objects.filter(opened_at__isnull=False).exists()


def test_only_managers_send(world, personas):
    for who in (personas.alice, personas.vera, personas.dana):
        with pytest.raises(PermissionDenied):
            services.do_send_campaign(who, world.campaign, world.now)
    assert not Invitation.objects.exists()
    services.do_send_campaign(personas.erin, world.campaign, world.now)
    assert Invitation.objects.count() == 3


def test_a_closed_campaign_is_not_sent(world, personas):
    with pytest.raises(ValidationError, match="closed"):
        services.do_send_campaign(personas.mia, world.campaign, world.campaign.closes_at)
    assert not Invitation.objects.exists()
    assert not Delivery.objects.exists()


def test_inactive_contacts_and_staff_are_not_invited(world, personas):

    make_user("gone", "customer", customer=personas.customer_a, is_active=False)
    services.do_send_campaign(personas.mia, world.campaign, world.now)
    assert not Invitation.objects.filter(contact__username="gone").exists()
    assert Invitation.objects.count() == 3


def test_questions_are_frozen_once_sent_and_a_new_version_can_change_them(sent, personas):
    survey = sent.survey
    assert survey.is_frozen
    with pytest.raises(ValidationError, match="frozen"):
        services.do_add_question(personas.mia, survey, kind=QuestionKind.TEXT, text="再问一句")
    with pytest.raises(ValidationError, match="frozen"):
        services.do_delete_question(personas.mia, survey.questions.first())
    with pytest.raises(ValidationError, match="frozen"):
        services.do_update_survey(personas.mia, survey, title="改名", intro="")
    copy = services.do_new_version(personas.mia, survey, now=sent.now)
    assert copy.version == 2 and copy.previous == survey
    assert [q.text for q in copy.questions.all()] == [q.text for q in survey.questions.all()]
    services.do_add_question(personas.mia, copy, kind=QuestionKind.TEXT, text="再问一句")
    assert copy.questions.count() == survey.questions.count() + 1


def test_question_validation(world, personas):
    survey = make_survey(personas.mia, now=world.now, title="另一份")
    with pytest.raises(ValidationError) as exc:
        services.do_add_question(personas.mia, survey, kind=QuestionKind.NPS, text="再来一个 NPS")
    assert "at most one NPS" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.do_add_question(
            personas.mia, survey, kind=QuestionKind.SINGLE, text="选一个", options=["仅一个"]
        )
    assert "two options" in str(exc.value)
    with pytest.raises(ValidationError):
        services.do_add_question(personas.mia, survey, kind="essay", text="?")
    with pytest.raises(ValidationError):
        services.do_add_question(personas.mia, survey, kind=QuestionKind.TEXT, text="   ")


def test_a_campaign_needs_an_audience_and_a_future_closing_time(world, personas):
    with pytest.raises(ValidationError) as exc:
        services.do_create_campaign(
            personas.mia, world.survey, name="", closes_at=world.now, now=world.now
        )
    assert set(exc.value.message_dict) == {"name", "customers", "closes_at"}
    with pytest.raises(ValidationError) as exc:
        make_campaign(personas.mia, world.survey, contacts=[personas.alice], now=world.now)
    assert "contacts" in exc.value.message_dict


def test_a_contact_named_and_in_a_chosen_organisation_is_invited_once(world, personas):
    world.campaign.contacts.add(personas.dana)
    world.campaign.customers.add(personas.customer_b)
    sent = services.do_send_campaign(personas.mia, world.campaign, world.now)
    assert sent.invited == 3
    assert Invitation.objects.filter(contact=personas.dana).count() == 1
