// Calls handle(line) for each non-empty line (trimmed) written to stdin: the command channel of the interop scripts.
export function onStdinLines(handle) {
  process.stdin.setEncoding("utf8");
  let pending = "";
  process.stdin.on("data", (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) handle(line);
    }
  });
}
