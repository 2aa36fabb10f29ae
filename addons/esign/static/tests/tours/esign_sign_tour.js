/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("esign_sign_tour", {
    steps: () => [
        {
            content: "The fingerprint of the document is shown",
            trigger: ".o_esign_fingerprint",
        },
        {
            content: "The PDF is shown page by page",
            trigger: ".o_esign_pages canvas.o_esign_page",
        },
        {
            content: "Click Sign",
            trigger: ".o_esign_start",
            run: "click",
        },
        {
            content: "Type the signature instead of drawing it",
            trigger: ".o_esign_mode[data-mode='type']",
            run: "click",
        },
        {
            content: "The typed name is filled in",
            trigger: ".o_esign_typed:not(.d-none)",
            run: "edit Signer Name",
        },
        {
            content: "Ask for the code by SMS",
            trigger: ".o_esign_send_code",
            run: "click",
        },
        {
            content: "Type the code received by SMS",
            trigger: ".o_esign_code_block:not(.d-none) .o_esign_code",
            run: "edit 246810",
        },
        {
            content: "Sign",
            trigger: ".o_esign_confirm",
            run: "click",
        },
        {
            content: "The page says the document is signed",
            trigger: ".o_esign_signed",
        },
    ],
});
