import { Code2, Lightbulb, Map as MapIcon, PenLine } from "lucide-react";

const EXAMPLES = [
  {
    icon: Lightbulb,
    title: "Explain a concept",
    prompt: "Explain how a Durable Object differs from a regular Worker, with an example.",
  },
  {
    icon: Code2,
    title: "Write some code",
    prompt: "Write a TypeScript function that debounces another function, with tests.",
  },
  {
    icon: MapIcon,
    title: "Plan something",
    prompt: "Plan a relaxed three-day trip to Lisbon for someone who loves food.",
  },
  {
    icon: PenLine,
    title: "Improve a text",
    prompt: "Make this clearer and friendlier: “Your request could not be processed.”",
  },
];

function greeting(hour: number): string {
  if (hour < 5) return "Up late?";
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}

/** The start screen: a short greeting and four example prompts. */
export function Greeting({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <div className="flex flex-col items-center pt-[8vh] text-center motion-safe:animate-fade-in sm:pt-[14vh]">
      <h2 className="text-[1.7rem] font-semibold tracking-tight">{greeting(new Date().getHours())}</h2>
      <p className="mt-2 max-w-md text-[14.5px] text-muted">
        What’s on your mind? Every chat is a live room — open it on another device and watch it stream.
      </p>
      <div className="mt-9 grid w-full grid-cols-1 gap-2.5 sm:grid-cols-2">
        {EXAMPLES.map(({ icon: Icon, title, prompt }) => (
          <button
            key={title}
            type="button"
            onClick={() => onPick(prompt)}
            className="group flex gap-3 rounded-2xl border border-line bg-surface px-4 py-3.5 text-left transition-[border-color,background-color,transform] duration-150 hover:-translate-y-px hover:border-line-strong"
          >
            <Icon size={17} aria-hidden className="mt-0.5 shrink-0 text-accent" />
            <span className="min-w-0">
              <span className="block text-sm font-medium">{title}</span>
              <span className="mt-0.5 line-clamp-2 block text-[13px] leading-snug text-muted">{prompt}</span>
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}
