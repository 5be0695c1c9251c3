/** stdout and stderr for running a command in-process; `.text` holds what it wrote. */
export function capture(): {
  stdout: { write(chunk: string): boolean; text: string };
  stderr: { write(chunk: string): boolean; text: string };
} {
  const sink = () => {
    const s = {
      text: '',
      write(chunk: string): boolean {
        s.text += chunk;
        return true;
      },
    };
    return s;
  };
  return { stdout: sink(), stderr: sink() };
}
