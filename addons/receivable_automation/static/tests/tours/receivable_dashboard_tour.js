/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Started on /odoo as a credit controller: the Receivables app opens on its dashboard; a card
// opens the list of what it counts.
registry.category("web_tour.tours").add("receivable_dashboard_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("receivable_automation.menu_receivable_root", "Receivables"),
        {
            content: "The app opens on its dashboard",
            trigger: ".o_receivable_dashboard",
        },
        {
            content: "The dashboard is its first menu",
            trigger: ".o_menu_sections [data-menu-xmlid='receivable_automation.menu_receivable_dashboard']",
            run: "click",
        },
        {
            content: "The KPIs of the last 90 days, with the DSO",
            trigger: ".o_receivable_dashboard .o_receivable_dashboard_dso",
        },
        {
            content: "One question to answer",
            trigger: ".o_receivable_dashboard_card[data-card='inquiries']:contains('1')",
            run: "click",
        },
        {
            content: "The card opens the list of the questions to answer",
            trigger: ".o_list_view .o_data_row:contains('Dashboard tour question')",
        },
        {
            content: "Back to the dashboard through the breadcrumbs",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Dashboard')",
            run: "click",
        },
        {
            content: "The largest outstanding card opens the debtors",
            trigger: ".o_receivable_dashboard_card[data-card='largest']:contains('Dashboard Tour Debtor')",
            run: "click",
        },
        {
            content: "The debtors, largest first",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Dashboard Tour Debtor')",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Dashboard')",
            run: "click",
        },
        {
            content: "The promises due card opens the open promises of the week",
            trigger: ".o_receivable_dashboard_card[data-card='promises']",
            run: "click",
        },
        {
            content: "The promise due in three days is listed",
            trigger: ".o_list_view .o_data_row:contains('Dashboard Tour Debtor')",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Dashboard')",
            run: "click",
        },
        {
            content: "The plans at risk card opens the payment plans",
            trigger: ".o_receivable_dashboard_card[data-card='plans']",
            run: "click",
        },
        {
            content: "The payment plans at risk",
            trigger: ".o_breadcrumb .active:contains('Plans at Risk')",
        },
        {
            content: "Their list",
            trigger: ".o_list_view",
        },
    ],
});
