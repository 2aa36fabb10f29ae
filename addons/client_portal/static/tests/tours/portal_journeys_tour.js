/** @odoo-module **/

import { registry } from "@web/core/registry";

// End-to-end journeys of a customer on its phone, from the statement a reminder's link opens.
// They reuse the steps of the tours of each action (registered in this folder's other files)
// and chain them with what comes next; the back office's part is done by the test in Python.

const tours = registry.category("web_tour.tours");

/** The steps of another tour, from the one whose content is `from` to the one that is `to`
 * (both included; the whole tour by default), leaving out those whose content is in `skip`. */
function stepsOf(name, { from, to, skip = [] } = {}) {
    const steps = tours.get(name).steps();
    const first = from ? steps.findIndex((step) => step.content === from) : 0;
    const last = to ? steps.findIndex((step) => step.content === to) : steps.length - 1;
    if (first < 0 || last < 0) {
        throw new Error(`${name}: no step "${first < 0 ? from : to}"`);
    }
    return steps.slice(first, last + 1).filter((step) => !skip.includes(step.content));
}

// Odoo's demo provider, on the payment page, until the customer is back on its statement.
const payWithDemoCard = () =>
    stepsOf("client_portal_pay_tour", { from: "Enter the demo card number" });

// 1. Plan to first instalment: ask for a plan (then approved and signed, see the test) ...
tours.add("client_portal_journey_plan_request_tour", {
    steps: () => stepsOf("client_portal_promise_plan_tour", { from: "Ask for a payment plan" }),
});

// ... and once it runs, pay its first instalment from the statement.
tours.add("client_portal_journey_plan_pay_tour", {
    steps: () => [
        {
            content: "The signed plan runs",
            trigger: ".o_receivable_plan_status:contains('Running')",
        },
        {
            content: "Pay its first instalment",
            trigger: ".o_receivable_pay_instalment:visible",
            run: "click",
        },
        ...payWithDemoCard(),
        {
            content: "Nothing left to pay on the first instalment: the button is for the next",
            trigger: ".o_receivable_pay_instalment:visible",
        },
    ],
});

// 2. Dispute part of an invoice, then pay what is not disputed.
tours.add("client_portal_journey_dispute_pay_rest_tour", {
    steps: () => [
        ...stepsOf("client_portal_dispute_tour", {
            to: "It shows under review",
            skip: ["Attach the delivery note"],
        }),
        {
            content: "What is not disputed can be paid now",
            trigger: ".o_receivable_dispute_card .o_receivable_dispute_rest:contains('880.00')",
        },
        {
            content: "Pay the rest",
            trigger: ".o_receivable_dispute_card .o_receivable_pay_dispute_rest:visible",
            run: "click",
        },
        {
            content: "The rest only is asked",
            trigger: ".o_receivable_pay:contains('880.00')",
        },
        ...payWithDemoCard(),
        {
            content: "The dispute is still under review",
            trigger: ".o_receivable_dispute_card .o_receivable_dispute_status:contains('Received, under review')",
        },
    ],
});

// 3. Ask a question (answered by the collector, see the test) ...
tours.add("client_portal_journey_question_tour", {
    steps: () =>
        stepsOf("client_portal_message_tour", { to: "The question waits for our answer" }),
});

// ... and read the answer on the statement.
tours.add("client_portal_journey_answer_tour", {
    steps: () => [
        {
            content: "The question is answered",
            trigger: ".o_receivable_inquiry_card .o_receivable_inquiry_status:contains('Answered')",
        },
        {
            content: "Our answer, under the question",
            trigger: [
                ".o_receivable_inquiry_card .o_receivable_inquiry_question",
                "+ .o_receivable_inquiry_answer:contains('We will send it again to your new address today.')",
            ].join(" "),
        },
    ],
});
