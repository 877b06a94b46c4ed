/**
 * The KioskService every transport serves (Electron IPC or WebSocket): the session controller's
 * commands plus its events. Transports validate arguments before anything here runs.
 */
import type {
  CameraFrame,
  KioskEventName,
  KioskEventPayload,
  KioskService,
  Notice,
  SessionView,
} from '../core/kiosk-api.ts';
import type { SessionController } from '../core/session-controller.ts';
import type { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import type { AdminService } from './admin.ts';

export class HostKioskService implements KioskService {
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();

  constructor(
    private readonly session: SessionController,
    private readonly admin: AdminService,
    private readonly rendererCamera?: RendererCamera,
  ) {}

  /** Called by the face pipeline with each preview frame. */
  publishFrame(frame: CameraFrame): void {
    for (const listener of this.frameListeners) listener(frame);
  }

  async getInfo() {
    return this.session.info();
  }
  async getView(): Promise<SessionView> {
    return this.session.view();
  }
  async setLanguage(language: 'zh-CN' | 'en') {
    this.session.setLanguage(language);
  }
  async payWithFace() {
    this.session.payWithFace();
  }
  async setUseAccount(useAccount: boolean) {
    this.session.setUseAccount(useAccount);
  }
  async answerConsent(agreed: boolean) {
    this.session.answerConsent(agreed);
  }
  async payWithIdNumber() {
    this.session.payWithIdNumber();
  }
  async submitIdNumber(idNumber: string) {
    return this.session.submitIdNumber(idNumber);
  }
  async submitSecondFactor(last4: string) {
    this.session.submitSecondFactor(last4);
  }
  async selectBill(billId: string) {
    this.session.selectBill(billId);
  }
  async confirmPayment() {
    this.session.confirmPayment();
  }
  async chooseCashMethod(method: 'mobile' | 'credit') {
    this.session.chooseCashMethod(method);
  }
  async cancel() {
    this.session.cancel();
  }
  async finish() {
    this.session.finish();
  }
  async stillHere() {
    this.session.stillHere();
  }
  async adminLogin(pin: string) {
    return this.admin.login(pin);
  }
  async adminDiagnostics(options: { testPrint: boolean }) {
    return this.admin.diagnostics(options.testPrint);
  }
  async adminReconcile() {
    return this.admin.reconcile();
  }
  async adminReceipts() {
    return this.admin.receipts();
  }
  async adminReprint(settlementId: string) {
    return this.admin.reprint(settlementId);
  }
  async adminLogs() {
    return this.admin.logs();
  }
  async adminExit() {
    this.admin.exit();
  }
  async pushCameraFrame(dataUrl: string) {
    if (!this.rendererCamera) return { kept: false };
    return {
      kept: this.rendererCamera.pushFrame(
        Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'),
      ),
    };
  }
  async cameraStatus(status: 'ready' | 'unplugged') {
    this.rendererCamera?.setSourceStatus(status);
  }
  async openMember(bindingId: string) {
    this.session.openMember(bindingId);
  }
  async backToBills() {
    this.session.backToBills();
  }
  async startBind() {
    this.session.startBind();
  }
  async submitBindId(idNumber: string) {
    return this.session.submitBindId(idNumber);
  }
  async chooseRelation(relation: 'spouse' | 'parent' | 'child' | 'other') {
    this.session.chooseRelation(relation);
  }
  async submitBindDocument(doc: {
    documentType: '01' | '02' | '03' | '04';
    documentNumber: string;
    staffPin: string;
  }) {
    return this.session.submitBindDocument(doc);
  }
  async startUnbind(bindingId: string) {
    this.session.startUnbind(bindingId);
  }
  async confirmUnbind() {
    this.session.confirmUnbind();
  }
  async callStaff() {
    this.session.callStaff();
  }

  subscribe<E extends KioskEventName>(
    event: E,
    listener: (payload: KioskEventPayload<E>) => void,
  ): () => void {
    if (event === 'view') return this.session.onView(listener as (view: SessionView) => void);
    if (event === 'notice') return this.session.onNotice(listener as (notice: Notice) => void);
    const frameListener = listener as (frame: CameraFrame) => void;
    this.frameListeners.add(frameListener);
    return () => this.frameListeners.delete(frameListener);
  }
}
