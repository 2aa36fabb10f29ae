/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, from the statement a reminder's link opens: the signed document is there to
// download, and the document to sign opens its signing page.
registry.category("web_tour.tours").add("client_portal_signatures_tour", {
    steps: () => [
        {
            content: "The signed document can be downloaded",
            trigger:
                ".o_receivable_esign_signed:contains('Payment plan agreement') .o_receivable_esign_download:visible",
        },
        {
            content: "Open the document to sign",
            trigger:
                ".o_receivable_esign_to_sign:contains('Maintenance contract') .o_receivable_esign_sign:visible",
            run: "click",
        },
        {
            content: "The signing page shows the document",
            trigger: ".o_esign_sign_page:contains('Maintenance contract')",
        },
    ],
});
