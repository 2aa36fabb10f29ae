/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The receivables dashboard: KPI cards from one call to receivable.kpi.get_dashboard_data();
 * each card opens a standard Odoo view (list, pivot, graph) of what it counts.
 */
export class ReceivableDashboard extends Component {
    static template = "receivable_automation.ReceivableDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(async () => {
            this.state.data = await this.orm.call("receivable.kpi", "get_dashboard_data", []);
        });
    }

    /** A KPI with one decimal, or a dash when it has no value (nothing to divide by). */
    formatKpi(value, suffix = "") {
        if (value === false || value === null || value === undefined) {
            return "–";
        }
        return `${value.toFixed(1)}${suffix}`;
    }

    open(xmlId) {
        return this.action.doAction(xmlId);
    }

    async openMethod(method) {
        const action = await this.orm.call("receivable.kpi", method, []);
        return this.action.doAction(action);
    }
}

registry.category("actions").add("receivable_automation.dashboard", ReceivableDashboard);
