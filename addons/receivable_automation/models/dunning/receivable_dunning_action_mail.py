import logging

from odoo import models
from odoo.tools import SQL, clean_context, split_every

from odoo.addons.mail.models.mail_message import _image_dataurl

_logger = logging.getLogger(__name__)

# message types whose earlier messages Odoo quotes first in an e-mail's References
OUTGOING_MESSAGE_TYPES = ("comment", "auto_comment", "email", "email_outgoing")


class ReceivableDunningAction(models.Model):
    """Queue the e-mails of a batch of reminders at once.

    ``message_post`` costs about 13 queries per reminder. ``_queue_emails`` does for a whole
    batch what it does for one reminder's e-mail: the message on the reminder's chatter (with
    its Message-Id, so that the debtor's reply comes back to the reminder), the e-mails laid
    out by Odoo's notification layout, one per recipient group and language, and the
    notifications. Odoo's own methods classify the recipients, render the layout and build the
    headers; only the writes are batched: one ``create()`` per model for the whole batch.
    """

    _inherit = "receivable.dunning.action"

    def _queue_emails(self, rendered):
        """Queue the rendered e-mails (``_render_email``) of the reminders that have an e-mail
        recipient, and keep each reminder's message in its rendered values (``message``), which
        ``_send_by_email`` then uses instead of posting. If the batch fails, nothing of it is
        kept and each reminder posts its own e-mail (its failure stays its own)."""
        to_queue = [
            (action, recipients)
            for action in self.filtered(lambda action: action.id in rendered)
            if (recipients := action._get_email_recipients())
        ]
        if not to_queue:
            return
        try:
            with self.env.cr.savepoint():
                messages = self._post_email_batch(
                    [
                        (action, action._prepare_email_post_values(recipients, rendered[action.id]))
                        for action, recipients in to_queue
                    ]
                )
        except Exception:
            _logger.exception("Queuing reminders in batch failed; they are sent one by one")
            return
        for (action, recipients), message in zip(to_queue, messages, strict=True):
            rendered[action.id].update(message=message, recipients=recipients)

    def _discard_queued_email(self, values):
        """Remove the e-mail queued in batch for a reminder that then failed to go out."""
        message = (values or {}).get("message")
        if message:
            # sudo: the message, its e-mails and notifications were written by _queue_emails
            message = message.sudo()
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)]).unlink()
            message.unlink()

    def _post_email_batch(self, posts):
        """``message_post(**values)`` for each (reminder, values) of ``posts``, the writes
        batched. Returns the messages, in the order of ``posts``."""
        message_values = [action._prepare_message_values(values) for action, values in posts]
        messages = self._create_messages_sanitized_once(message_values)
        recipients_data = self._get_email_recipients_data(message_values)
        references = self._get_email_references(messages)
        # sudo: reading who gets web push notifications, as Odoo's notification does
        pushed = set(
            self.env["mail.push.device"]
            .sudo()
            .search([("partner_id", "in", list(recipients_data))])
            .partner_id.ids
        )
        posted = [
            (action, message, msg_vals)
            for (action, _values), message, msg_vals in zip(
                posts, messages, message_values, strict=True
            )
        ]
        # sudo: a system parameter (recipients per e-mail), as Odoo's notification reads it
        batch_size = int(self.env["ir.config_parameter"].sudo().get_param("mail.batch_size")) or 50
        mails, mail_recipients, odoo_notified = [], [], []
        for action, message, msg_vals in posted:
            action = action._fallback_lang()
            recipients = [
                recipients_data[pid] for pid in msg_vals["partner_ids"] if pid in recipients_data
            ]
            if any(r["notif"] == "inbox" or r["id"] in pushed for r in recipients):
                odoo_notified.append((action, message, msg_vals, recipients))
            by_email = [recipient for recipient in recipients if recipient["notif"] == "email"]
            for values, recipient_ids in action._prepare_notification_mails(
                message, msg_vals, by_email, references[message.id], batch_size
            ):
                mails.append(values)
                mail_recipients.append((msg_vals["author_id"], message.id, recipient_ids))
        # sudo: writing the e-mails and notifications of a message is what posting it does
        Mail = self.env["mail.mail"].sudo().with_context(clean_context(self.env.context))
        created = Mail.create(mails)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author_id,
                    "is_read": True,  # an e-mail, not an inbox notification
                    "mail_mail_id": mail.id,
                    "mail_message_id": message_id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": recipient_id,
                }
                for mail, (author_id, message_id, recipient_ids) in zip(
                    created, mail_recipients, strict=True
                )
                for recipient_id in recipient_ids
            ]
        )
        for action, message, msg_vals, recipients in odoo_notified:
            # a copy to a user who reads Odoo's inbox or gets web push (rare): Odoo's own path
            action._notify_thread_by_inbox(message, recipients, msg_vals=msg_vals)
            action._notify_thread_by_web_push(message, recipients, msg_vals)
        for action, message, msg_vals in posted:
            action._message_post_after_hook(message, msg_vals)
        return messages

    def _create_messages_sanitized_once(self, message_values):
        """``_message_create(message_values)``, each body sanitized once instead of twice.

        The ORM sanitizes an HTML value twice when it creates a record (for the column, then
        for the cache): 5 to 8 ms each for a reminder's e-mail, the largest cost of a run. The
        bodies are sanitized once, by the field's own rules, and stored as the ORM would have
        stored them. A body with embedded images (which ``mail.message`` turns into
        attachments) is created the usual way.
        """
        Message = self.env["mail.message"]
        body_field = Message._fields["body"]
        bodies = {}
        create_values = []
        for index, values in enumerate(message_values):
            values = dict(values)
            if not _image_dataurl.search(values.get("body") or ""):
                bodies[index] = body_field.convert_to_column(values.pop("body"), Message)
            create_values.append(values)
        messages = self._message_create(create_values)
        if bodies:
            self.env.cr.execute(
                SQL(
                    "UPDATE mail_message SET body = new.body FROM (VALUES %s) AS new(id, body) "
                    "WHERE mail_message.id = new.id",
                    SQL(", ").join(
                        SQL("(%s, %s)", messages[index].id, body) for index, body in bodies.items()
                    ),
                )
            )
            sanitized = messages.browse([messages[index].id for index in bodies])
            self.env.cache.update(
                sanitized,
                body_field,
                [
                    body_field.convert_to_cache(body, Message, validate=False)
                    for body in bodies.values()
                ],
            )
        return messages

    def _prepare_message_values(self, post_values):
        """The ``mail.message`` values ``message_post(**post_values)`` creates on this
        reminder (``_post_email`` gives the author, sender, reply-to and record values)."""
        self.ensure_one()
        values = dict(post_values)
        subtype_xmlid = values.pop("subtype_xmlid")
        return {
            **values,
            "model": self._name,
            "res_id": self.id,
            "parent_id": False,
            "subject": values.get("subject") or False,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid),
            "email_add_signature": True,
            "author_guest_id": False,
        }

    def _get_email_recipients_data(self, message_values):
        """Odoo's recipient data (``mail.followers._get_recipient_data``) of every partner the
        messages go to, by partner id, read in one query; as ``_notify_get_recipients`` on a
        reminder, only the given partners, active, not the author who posts."""
        partner_ids = {pid for values in message_values for pid in values["partner_ids"]}
        data = self.env["mail.followers"]._get_recipient_data(
            self.browse(), "comment", False, pids=partner_ids
        )[0]
        posting = self.env.user.partner_id.id if self.env.user.active else False
        recipients = {}
        for pid in partner_ids:
            recipient = data.get(pid)
            if recipient and recipient["active"] is not False and pid != posting:
                recipients[pid] = recipient
        return recipients

    def _get_email_references(self, messages):
        """References of each message's e-mail as Odoo writes them
        (``_notify_by_email_get_base_mail_values``): up to three earlier public messages of
        the reminder, oldest first, then the message itself; in one search for the batch."""
        # sudo: Odoo reads a document's earlier messages this way to thread its e-mails
        earlier = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", messages.mapped("res_id")),
                    ("id", "not in", messages.ids),
                    ("subtype_id", "!=", False),
                    ("message_id", "!=", False),
                ],
                order="id DESC",
            )
        )
        by_record = earlier.grouped("res_id")
        references = {}
        for message in messages:
            ancestors = by_record.get(message.res_id, earlier.browse())[:32]
            ancestors = ancestors.sorted(
                lambda m: (
                    not m.is_internal and not m.subtype_id.internal,
                    m.message_type in OUTGOING_MESSAGE_TYPES,
                    m.message_type != "user_notification",
                ),
                reverse=True,
            )[:3].sorted("id")
            references[message.id] = " ".join((ancestors | message).mapped("message_id"))
        return references

    def _prepare_notification_mails(self, message, msg_vals, recipients, references, batch_size):
        """(``mail.mail`` values, recipient ids) of each e-mail of ``message`` to
        ``recipients``, laid out by Odoo per recipient group and language, in chunks of
        ``mail.batch_size`` recipients (``_notify_thread_by_email``)."""
        self.ensure_one()
        if not recipients:
            return []
        base = {
            "mail_message_id": message.id,
            "references": references,
            "auto_delete": True,
        }
        subject = " ".join((message.subject or message.record_name or "").splitlines())
        if subject != message.subject:
            base["subject"] = subject
        headers = {}
        # sudo: alias domains are restricted; Odoo's notification reads the bounce address so
        bounce_email = message.sudo().record_alias_domain_id.bounce_email
        if bounce_email:
            headers["Return-Path"] = bounce_email
        base["headers"] = repr(self._notify_by_email_get_headers(headers=headers))
        # a new message has no tracking values: Odoo need not search them
        render_vals = {**msg_vals, "tracking_value_ids": []}
        mails = []
        for _lang, render_values, group in self._notify_get_classified_recipients_iterator(
            message, recipients, msg_vals=render_vals
        ):
            body = self._notify_by_email_render_layout(
                message, group, msg_vals=render_vals, render_values=render_values
            )
            for chunk in split_every(batch_size, group.pop("recipients")):
                values = self._notify_by_email_get_final_mail_values(
                    chunk, base, additional_values={"body_html": body}
                )
                mails.append((values, list(chunk)))
        return mails
