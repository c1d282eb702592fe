// Opens the room socket of the chat in the address bar while the page's code is still loading, so
// the room's snapshot is on its way before the app starts (web/src/room/early-socket.ts hands it
// to the app's room client, which replays what arrived meanwhile). Only for a browser that has been
// someone here before: on a first visit the socket would be refused without a session cookie.
// A classic script of its own in <head>: the pages' CSP allows scripts from 'self' only.
(function () {
  try {
    var match = /^\/c\/([^/]+)\/?$/.exec(location.pathname);
    if (!match || localStorage.getItem("parley:session") === null) return;
    var room = decodeURIComponent(match[1]);
    var scheme = location.protocol === "https:" ? "wss" : "ws";
    var socket = new WebSocket(
      scheme + "://" + location.host + "/parties/conversation/" + encodeURIComponent(room),
    );
    var early = { room: room, socket: socket, events: [] };
    var stopped = false;
    var keep = function (event) {
      if (!stopped) early.events.push(event);
    };
    early.stop = function () {
      stopped = true;
      socket.removeEventListener("open", keep);
      socket.removeEventListener("message", keep);
      socket.removeEventListener("close", keep);
      socket.removeEventListener("error", keep);
    };
    socket.addEventListener("open", keep);
    socket.addEventListener("message", keep);
    socket.addEventListener("close", keep);
    socket.addEventListener("error", keep);
    window.__parleyEarlyRoom = early;
    // Nobody took it (the app failed to start): do not hold a seat in the room.
    setTimeout(function () {
      if (window.__parleyEarlyRoom !== early) return;
      window.__parleyEarlyRoom = undefined;
      early.stop();
      socket.close(1000);
    }, 15000);
  } catch {
    // No storage or no WebSocket: the app opens the room itself.
  }
})();
