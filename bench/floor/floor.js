// On Enter: the prompt goes into the <pre> at once, the room's socket is opened (the conversation
// `c` was made beforehand), the prompt is sent with model `model`, and every frame is appended.
// window.__benchPainted comes from the benchmark's paint probe (client-new-chat.ts).
const params = new URLSearchParams(location.search);
const log = document.getElementById("log");
const input = document.getElementById("prompt");
const url = `${location.origin.replace(/^http/, "ws")}/parties/conversation/${params.get("c")}`;
const painted = (name) => window.__benchPainted?.(name);

input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const content = input.value;
  input.value = "";
  log.append(`> ${content}\n`);
  painted("bubble");
  const socket = new WebSocket(url);
  socket.onopen = () => socket.send(JSON.stringify({ type: "send", content, model: params.get("model") }));
  socket.onmessage = (message) => {
    log.append(`${message.data}\n`);
    const frame = JSON.parse(message.data);
    if (frame.type === "message" && frame.message.role === "user") painted("echo");
    else if (frame.type === "delta") painted("token");
    else if (frame.type === "done") window.__benchDone = true;
  };
});
window.__benchArmed = true;
