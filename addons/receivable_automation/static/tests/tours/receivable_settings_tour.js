/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("receivable_settings_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("receivable_automation.menu_receivable_root", "Receivables"),
        {
            content: "Configuration menu",
            trigger: ".o_menu_sections [data-menu-xmlid='receivable_automation.menu_receivable_config']",
            run: "click",
        },
        {
            content: "Settings",
            trigger: ".dropdown-item[data-menu-xmlid='receivable_automation.menu_receivable_config_settings']",
            run: "click",
        },
        {
            content: "The settings open on the Receivables block",
            trigger: ".settings_tab .tab.selected[data-key=receivable_automation]",
        },
        {
            content: "Default dunning policy",
            trigger: ".app_settings_block[data-key=receivable_automation] .o_field_widget[name=receivable_policy_id] input",
            run: "edit Tour Settings",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Settings policy')",
            run: "click",
        },
        {
            content: "Promise grace days",
            trigger: ".app_settings_block[data-key=receivable_automation] .o_field_widget[name=receivable_promise_grace_days] input",
            run: "edit 7",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the settings come back with the new value",
            trigger: ".o_form_renderer:not(.o_form_dirty) .o_field_widget[name=receivable_promise_grace_days] input:value(7)",
        },
    ],
});
