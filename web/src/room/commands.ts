/**
 * What the people in a room can do from this device: send, regenerate, edit, continue, delete,
 * switch branches, stop, and say that they are typing. Each becomes a client frame (and, for
 * prompts, an optimistic update); the socket behind them is RoomClient's (./client.ts).
 */
import type { AttachmentInfo, GenerationOptions } from "#protocol/messages";
import type { ClientFrame } from "#protocol/frames";
import { canWrite } from "./reducer.ts";
import { streamingMessage } from "./resume.ts";
import { type RoomAction } from "./state.ts";
import { RoomViewStore } from "./view-store.ts";
import type { TypingSignal } from "../typing.ts";

/** What goes with a prompt besides its text: uploaded files and generation options. */
export interface SendExtras {
  attachments?: AttachmentInfo[];
  options?: GenerationOptions;
}

function newClientId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export abstract class RoomCommands extends RoomViewStore {
  protected abstract readonly typing: TypingSignal;
  protected abstract sendFrame(frame: ClientFrame): void;
  protected abstract dispatch(action: RoomAction): void;
  /** The model of the last prompt or regenerate sent: the limit its refusal or window is about. */
  protected lastModel: string | null = null;

  /** Sends a prompt; the optimistic bubble appears at once and is matched back by `clientId`. */
  send(content: string, model: string, extras: SendExtras = {}): void {
    const clientId = newClientId();
    const attachments = extras.attachments?.length ? extras.attachments : undefined;
    this.typing.stop();
    this.lastModel = model;
    this.dispatch({ type: "optimistic-send", clientId, content, model, now: Date.now(), attachments });
    this.sendFrame({
      type: "send",
      content,
      model,
      clientId,
      ...(attachments ? { attachments: attachments.map((a) => a.id) } : {}),
      ...(extras.options ? { options: extras.options } : {}),
    });
  }

  /** A new answer to the same prompt (another branch), with the same model unless one is given. */
  regenerate(messageId: string, model?: string, options?: GenerationOptions): void {
    this.lastModel = model ?? this.view.state.messages.find((m) => m.id === messageId)?.model ?? null;
    this.sendFrame({
      type: "regenerate",
      messageId,
      ...(model ? { model } : {}),
      ...(options ? { options } : {}),
    });
  }

  /**
   * Replaces a prompt with new text and answers it; the old prompt stays as a branch, and the new
   * one keeps its files (the room copies them).
   */
  edit(messageId: string, content: string, model: string, options?: GenerationOptions): void {
    const clientId = newClientId();
    this.typing.stop();
    this.lastModel = model;
    this.dispatch({ type: "optimistic-edit", messageId, clientId, content, model, now: Date.now() });
    this.sendFrame({ type: "edit", messageId, content, model, clientId, ...(options ? { options } : {}) });
  }

  /** Carries on writing a stopped or interrupted answer (the last one). */
  continueAnswer(messageId: string): void {
    this.sendFrame({ type: "continue", messageId });
  }

  deleteMessage(messageId: string): void {
    this.sendFrame({ type: "delete_message", messageId });
  }

  /** Shows the branch through `messageId`, for everyone in the room. */
  switchBranch(messageId: string): void {
    this.sendFrame({ type: "switch_branch", messageId });
  }

  /** The composer's draft changed: tells the others (throttled) that we are typing. */
  draftChanged(hasText: boolean): void {
    if (canWrite(this.view.state.self?.role)) this.typing.input(hasText);
  }

  /** The composer lost focus (or the draft went away): we are no longer typing. */
  typingStopped(): void {
    this.typing.stop();
  }

  /** Stops the generation in flight (anyone in the room may press Stop). */
  stop(): void {
    const live = streamingMessage(this.view.state);
    this.sendFrame(live ? { type: "stop", messageId: live.id } : { type: "stop" });
  }

  /** The refused prompts went back to the composer: their bubbles go. */
  discardFailed(): void {
    this.dispatch({ type: "discard-failed" });
  }

  dismissError(): void {
    this.dispatch({ type: "dismiss-error" });
  }
}
