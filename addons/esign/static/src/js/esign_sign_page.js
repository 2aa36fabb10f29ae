/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc, RPCError } from "@web/core/network/rpc";
import { loadPDFJSAssets } from "@web/libs/pdfjs";
import { _t } from "@web/core/l10n/translation";

publicWidget.registry.EsignSignPage = publicWidget.Widget.extend({
    selector: ".o_esign_sign_page",
    events: {
        "click .o_esign_start": "_onStart",
        "click .o_esign_mode": "_onMode",
        "click .o_esign_clear": "_onClear",
        "input .o_esign_typed": "_drawTyped",
        "click .o_esign_send_code": "_onSendCode",
        "click .o_esign_confirm": "_onConfirm",
        "click .o_esign_refuse_start": "_onRefuseStart",
        "click .o_esign_refuse_confirm": "_onRefuseConfirm",
    },

    start() {
        this.baseUrl = this.el.dataset.baseUrl;
        this.mode = "draw";
        this.hasInk = false;
        this.canvas = this.el.querySelector(".o_esign_canvas");
        if (this.canvas) {
            this._setupPad();
        }
        this._renderPdf();
        return this._super(...arguments);
    },

    // PDF, page by page (pdf.js bundled with Odoo); an iframe when it cannot load
    async _renderPdf() {
        const container = this.el.querySelector(".o_esign_pages");
        try {
            await loadPDFJSAssets();
            const pdf = await window.pdfjsLib.getDocument(this.el.dataset.pdfUrl).promise;
            for (let number = 1; number <= pdf.numPages; number++) {
                const page = await pdf.getPage(number);
                const width = Math.max(container.clientWidth - 16, 280);
                const scale = width / page.getViewport({ scale: 1 }).width;
                const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
                const canvas = document.createElement("canvas");
                canvas.className = "o_esign_page d-block mx-auto my-2 shadow-sm bg-white";
                canvas.width = viewport.width;
                canvas.height = viewport.height;
                canvas.style.width = "100%";
                canvas.style.maxWidth = `${width}px`;
                canvas.setAttribute("aria-label", _t("Page %s", number));
                container.appendChild(canvas);
                await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
            }
        } catch {
            const frame = document.createElement("iframe");
            frame.src = this.el.dataset.pdfUrl;
            frame.className = "w-100";
            frame.style.height = "70vh";
            frame.title = _t("Document");
            container.replaceChildren(frame);
        }
    },

    // signature pad: pointer events, or a typed name in a cursive font
    _setupPad() {
        const ctx = this.canvas.getContext("2d");
        ctx.lineWidth = 2.5;
        ctx.lineCap = "round";
        ctx.strokeStyle = "#0b2a4a";
        let drawing = false;
        const point = (ev) => {
            const rect = this.canvas.getBoundingClientRect();
            return [
                ((ev.clientX - rect.left) * this.canvas.width) / rect.width,
                ((ev.clientY - rect.top) * this.canvas.height) / rect.height,
            ];
        };
        this.canvas.style.touchAction = "none";
        this.canvas.addEventListener("pointerdown", (ev) => {
            if (this.mode !== "draw") {
                return;
            }
            drawing = true;
            this.canvas.setPointerCapture(ev.pointerId);
            ctx.beginPath();
            ctx.moveTo(...point(ev));
        });
        this.canvas.addEventListener("pointermove", (ev) => {
            if (drawing) {
                ctx.lineTo(...point(ev));
                ctx.stroke();
                this.hasInk = true;
            }
        });
        const stop = () => {
            drawing = false;
        };
        this.canvas.addEventListener("pointerup", stop);
        this.canvas.addEventListener("pointercancel", stop);
    },

    _onStart(ev) {
        ev.currentTarget.classList.add("d-none");
        this.el.querySelector(".o_esign_signature").classList.remove("d-none");
        this.el.querySelector(".o_esign_refuse_block").classList.add("d-none");
    },

    _onMode(ev) {
        this.mode = ev.currentTarget.dataset.mode;
        this.el.querySelectorAll(".o_esign_mode").forEach((button) => {
            button.classList.toggle("active", button === ev.currentTarget);
        });
        this.el.querySelector(".o_esign_typed").classList.toggle("d-none", this.mode !== "type");
        this._onClear();
        if (this.mode === "type") {
            this._drawTyped();
        }
    },

    _onClear() {
        this.canvas.getContext("2d").clearRect(0, 0, this.canvas.width, this.canvas.height);
        this.hasInk = false;
    },

    _drawTyped() {
        const name = this.el.querySelector(".o_esign_typed").value.trim();
        const ctx = this.canvas.getContext("2d");
        ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
        ctx.fillStyle = "#0b2a4a";
        ctx.font = "italic 64px 'Brush Script MT', 'Segoe Script', cursive";
        ctx.textBaseline = "middle";
        ctx.fillText(name, 20, this.canvas.height / 2, this.canvas.width - 40);
        this.hasInk = Boolean(name);
    },

    _showMessage(text, ok) {
        const box = this.el.querySelector(".o_esign_message");
        box.textContent = text;
        box.classList.remove("d-none", "alert-success", "alert-danger");
        box.classList.add(ok ? "alert-success" : "alert-danger");
    },

    async _post(route, params) {
        try {
            return await rpc(`${this.baseUrl}/${route}`, params);
        } catch (error) {
            // a link no longer valid or a refused request: the server says why
            if (error instanceof RPCError && error.data?.name?.startsWith("esign.")) {
                return { ok: false, message: error.message };
            }
            return { ok: false, message: _t("The server could not be reached. Try again.") };
        }
    },

    async _onSendCode(ev) {
        if (!this.hasInk) {
            this._showMessage(_t("Draw or type your signature first."), false);
            return;
        }
        ev.currentTarget.disabled = true;
        const result = await this._post("send_code", {});
        ev.currentTarget.disabled = false;
        this._showMessage(result.message, result.ok);
        if (result.ok) {
            this.el.querySelector(".o_esign_code_block").classList.remove("d-none");
            this.el.querySelector(".o_esign_code").focus();
        }
    },

    async _onConfirm(ev) {
        ev.currentTarget.disabled = true;
        const result = await this._post("sign", {
            code: this.el.querySelector(".o_esign_code").value,
            signature: this.canvas.toDataURL("image/png"),
            signature_type: this.mode,
        });
        ev.currentTarget.disabled = false;
        if (result.ok) {
            window.location.reload();
        } else {
            this._showMessage(result.message, false);
        }
    },

    _onRefuseStart() {
        this.el.querySelector(".o_esign_refuse_block").classList.remove("d-none");
        this.el.querySelector(".o_esign_signature").classList.add("d-none");
    },

    async _onRefuseConfirm() {
        const result = await this._post("refuse", {
            reason: this.el.querySelector(".o_esign_reason").value,
        });
        if (result.ok) {
            window.location.reload();
        } else {
            this._showMessage(result.message, false);
        }
    },
});

export default publicWidget.registry.EsignSignPage;
