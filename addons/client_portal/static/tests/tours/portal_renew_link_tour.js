/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, an expired statement link: the customer asks for a new one and is told where
// it went (the addresses on file, masked).
registry.category("web_tour.tours").add("client_portal_renew_link_tour", {
    steps: () => [
        {
            content: "The expired link explains itself",
            trigger: ".o_receivable_link_not_valid:contains('no longer opens your statement')",
        },
        {
            content: "Ask for a new link",
            trigger: ".o_receivable_renew:visible",
            run: "click",
        },
        {
            content: "The new link went to the contact on file",
            trigger: ".o_receivable_link_renewed:contains('a•••@agrolait.example.com')",
        },
    ],
});
