/**
 * The provider layer's public face: the normalized types, the adapters, and the factory that
 * builds them from configuration. Everything outside worker/providers imports from here.
 */
export type {
  BuiltinProviderId,
  Provider,
  ProviderAttachment,
  ProviderConfig,
  ProviderEvent,
  ProviderId,
  ProviderMessage,
  ProviderRequest,
  ProviderTool,
  ProviderToolCall,
  ProviderUsage,
  ReasoningEffort,
} from "./types";
export { acceptsAttachment, type AttachmentKind, PDF_PROVIDER_IDS } from "./attachments";
export { BUILTIN_PROVIDER_IDS, isBuiltinProviderId } from "./types";
export { AnthropicProvider } from "./anthropic";
export { DemoProvider, demoAnswer } from "./demo";
export { GeminiProvider } from "./gemini";
export { type OpenAICompatibleConfig, type OpenAIFlavour, OpenAIProvider } from "./openai";
export {
  type CustomModel,
  type CustomProvider,
  CustomProvidersError,
  parseCustomProviders,
} from "./custom-providers";
export {
  acceptsOwnKey,
  createProvider,
  withOwnKeys,
  DEFAULT_ANTHROPIC_BASE_URL,
  DEFAULT_DEEPSEEK_BASE_URL,
  DEFAULT_GEMINI_BASE_URL,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_OPENROUTER_BASE_URL,
  providerAvailable,
  type ProviderEnv,
} from "./factory";
