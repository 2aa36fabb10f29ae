/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, from the statement a reminder's link opens: the archived documents page lists
// the signed contract with its fingerprint and a download.
registry.category("web_tour.tours").add("client_portal_archive_tour", {
    steps: () => [
        {
            content: "Open the archived documents from the statement",
            trigger: ".o_receivable_archive_link:visible",
            run: "click",
        },
        {
            content: "The signed contract is listed, with its fingerprint",
            trigger:
                ".o_receivable_archive_card:contains('Maintenance contract.pdf') .o_receivable_archive_sha256:visible",
        },
        {
            content: "and can be downloaded",
            trigger:
                ".o_receivable_archive_card:contains('Maintenance contract.pdf') .o_receivable_archive_download:visible",
        },
        {
            content: "Back to the statement",
            trigger: ".o_receivable_back:visible",
            run: "click",
        },
        {
            content: "The statement again",
            trigger: ".o_receivable_statement",
        },
    ],
});
