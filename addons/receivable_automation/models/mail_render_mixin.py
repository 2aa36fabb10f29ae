import functools

from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.tools import safe_eval

from ..tools.amount_format import amount_formatter


class MailRenderMixin(models.AbstractModel):
    """Rendering a template for many records compiles it once.

    Odoo parses and compiles an inline QWeb template again for every record it renders; a
    dunning run renders one template for hundreds of reminders, where compiling costs more
    than rendering. With the context key ``receivable_render_compiled`` the template is
    compiled once per call (one call per language) and run for each record. Any problem
    (restricted rendering, an error in the template) falls back to Odoo's own rendering, which
    raises its usual, explained errors.
    """

    _inherit = "mail.render.mixin"

    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if (
            not self.env.context.get("receivable_render_compiled")
            or not template_src
            or len(res_ids or []) < 2
            or not self._has_unsafe_expression_template_qweb(template_src, model)
            or not self._receivable_render_unrestricted()
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        try:
            return self._receivable_render_compiled(
                template_src, model, res_ids, add_context, options
            )
        except Exception:  # Odoo's rendering says what is wrong, with its own messages
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )

    def _receivable_render_unrestricted(self):
        return (
            self._unrestricted_rendering
            or self.env.is_admin()
            or self.env.user.has_group("mail.group_mail_template_editor")
        )

    def _receivable_render_compiled(self, template_src, model, res_ids, add_context, options):
        variables = self._render_eval_context()
        variables["format_amount"] = self._receivable_amount_formatter()
        # the same few due dates come back in every reminder's table
        variables["format_date"] = functools.cache(variables["format_date"])
        if add_context:
            variables.update(**add_context)
        qweb = self.env["ir.qweb"].with_context(**(options or {}))
        # the same wrapping <div> as Odoo's rendering, removed from each result below
        functions, name = qweb._compile(html.fragment_fromstring(template_src, create_parent="div"))
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            results[record.id] = Markup("".join(functions[name](record_qweb, values)))[5:-6]
        return results

    def _receivable_amount_formatter(self):
        """The templates' ``format_amount``, formatting the same way at a fraction of the cost
        (a reminder's table holds dozens of amounts)."""
        formatters = {}

        def format_amount(amount, currency, lang_code=False):
            if lang_code not in formatters:
                formatters[lang_code] = amount_formatter(self.env, lang_code or None)
            return formatters[lang_code](amount, currency)

        return format_amount
