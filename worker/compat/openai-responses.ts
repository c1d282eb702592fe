/**
 * The Responses dialect of Parley's compatible API: what `/v1/responses` speaks. Pure
 * translation between OpenAI's Responses wire format and the API turn contract (contract.ts);
 * the routes authenticate, look up stored responses, admit and run the turn.
 */
export {
  parseResponsesCall,
  type ParsedResponsesCall,
  type ResponseSettings,
} from "./openai-responses-request";
export {
  replayedStream,
  responsesStream,
  ResponseEventWriter,
  type WireEvent,
} from "./openai-responses-stream";
export {
  backgroundResponse,
  responseObject,
  storedEvents,
  storedHead,
  storedResponse,
  type StoredAnswer,
} from "./openai-responses-object";
export { messageIdOf, responseIdOf } from "./openai-responses-wire";
