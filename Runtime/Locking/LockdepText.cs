using System.Collections.Generic;
using System.Text;

namespace KernelDiscipline.Runtime
{
    /// <summary>Lays a lockdep report out the way the kernel prints it, so that people who read those read these.</summary>
    internal static class LockdepText
    {
        private const string Rule = "------------------------------------------------------";

        /// <summary>Who reports, from where, and the RCU read side if one is open.</summary>
        internal sealed record Context(int ThreadId, string? ThreadName, IReadOnlyList<string> Stack, LockSite? Rcu, int RcuDepth)
        {
            public string Thread => ThreadName is null ? $"thread {ThreadId}" : $"thread \"{ThreadName}\" ({ThreadId})";
        }

        public static string Format(LockdepReportKind kind, LockSite site, LockSite? held, IReadOnlyList<LockSite> chain, List<Lockdep.HeldLock> stack, Context context)
        {
            var text = new StringBuilder();
            text.AppendLine("======================================================");
            text.AppendLine("WARNING: " + Title(kind));
            text.AppendLine(Rule);
            switch (kind)
            {
                case LockdepReportKind.UnlockNotHeld:
                    text.AppendLine($"{context.Thread} is trying to release lock {site} but there are no more locks to release!");
                    break;
                case LockdepReportKind.ReleaseModeMismatch when held is LockSite taken:
                    text.AppendLine($"{context.Thread} is trying to release lock {site} as a {(site.Shared ? "reader" : "writer")} but holds it for {(taken.Shared ? "read" : "write")},");
                    text.AppendLine($"held since {taken}.");
                    text.AppendLine($"The lock stays held: release it as it was taken ({(taken.Shared ? "UpRead after DownRead" : "UpWrite after DownWrite")}).");
                    break;
                case LockdepReportKind.SleepInAtomic:
                    text.AppendLine($"{context.Thread} is trying to acquire sleeping lock {WithMode(site)}");
                    text.AppendLine($"in atomic context, held since {held}.");
                    text.AppendLine("Use a trylock; on failure drop the spinning lock, take the sleeping one, and retry.");
                    break;
                default:
                    text.AppendLine($"{context.Thread} is trying to acquire lock:");
                    text.AppendLine($"  {WithMode(site)}");
                    text.AppendLine();
                    text.AppendLine("but thread is already holding lock:");
                    text.AppendLine($"  {(held is LockSite holding ? WithMode(holding) : string.Empty)}");
                    break;
            }

            if (kind == LockdepReportKind.CircularDependency)
            {
                text.AppendLine();
                text.AppendLine("which lock already depends on the new lock.");
                text.AppendLine();
                text.AppendLine("the existing dependency chain (in reverse order) is:");
                for (int i = chain.Count - 1, n = 0; i >= 1; i -= 2, n++)
                {
                    text.AppendLine($"-> #{n} {chain[i]}");
                    text.AppendLine($"       while holding {chain[i - 1]}");
                }
            }
            else if (kind == LockdepReportKind.OrderViolation && held is LockSite outer)
            {
                text.AppendLine();
                text.AppendLine($"the declared lock order takes {site.Name} (rank {site.Class.Rank}) before {outer.Name} (rank {outer.Class.Rank}).");
            }

            text.AppendLine();
            text.AppendLine("other info that might help us debug this:");
            if (held is LockSite other && kind != LockdepReportKind.UnlockNotHeld && kind != LockdepReportKind.ReleaseModeMismatch)
            {
                AppendScenario(text, kind, site, other, chain);
            }

            text.AppendLine();
            text.AppendLine($"{stack.Count} lock(s) held by {context.Thread}:");
            for (int i = 0; i < stack.Count; i++)
            {
                text.AppendLine($" #{i}: {WithMode(stack[i].Site)}");
            }

            if (context.Rcu is LockSite rcu)
            {
                text.AppendLine($"RCU read side held (depth {context.RcuDepth}), since {rcu}");
            }

            if (context.Stack.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("stack:");
                foreach (var frame in context.Stack)
                {
                    text.AppendLine("  " + frame);
                }
            }

            return text.ToString();
        }

        private static string Title(LockdepReportKind kind) => kind switch
        {
            LockdepReportKind.CircularDependency => "possible circular locking dependency detected",
            LockdepReportKind.OrderViolation => "lock order violation against the declared hierarchy",
            LockdepReportKind.RecursiveLocking => "possible recursive locking detected",
            LockdepReportKind.SleepInAtomic => "sleeping lock taken in atomic context",
            LockdepReportKind.ReleaseModeMismatch => "bad unlock mode detected!",
            _ => "bad unlock balance detected!",
        };

        /// <summary>A site with its mode when the lock has two (<c>(mmap_lock) at f.cs:12, for read</c>); a plain lock's site as it is.</summary>
        private static string WithMode(LockSite site) => site.Mode is string mode ? $"{site}, for {mode}" : site.ToString();

        /// <summary>One acquisition of a scenario: <c>rlock(X);</c> for the read side, <c>lock(X);</c> otherwise.</summary>
        private static string Take(LockSite site) => (site.Shared ? "rlock" : "lock") + site.Name + ";";

        private static void AppendScenario(StringBuilder text, LockdepReportKind kind, LockSite site, LockSite held, IReadOnlyList<LockSite> chain)
        {
            text.AppendLine();
            text.AppendLine(" Possible unsafe locking scenario:");
            text.AppendLine();
            if (kind == LockdepReportKind.RecursiveLocking)
            {
                text.AppendLine("       CPU0");
                text.AppendLine("       ----");
                text.AppendLine($"  {Take(held)}");
                text.AppendLine($"  {Take(site)}");
                text.AppendLine();
                text.AppendLine(" *** DEADLOCK ***");
                text.AppendLine();
                text.AppendLine(" May be due to missing lock nesting notation (LockNested or an ordering helper).");
                return;
            }

            if (kind == LockdepReportKind.SleepInAtomic)
            {
                text.AppendLine($"  {Take(held)}   <- atomic from here");
                text.AppendLine($"  {Take(site)}   <- may sleep");
                return;
            }

            // CPU1 takes the new lock first, then the lock that the chain (or the declared order) puts after it. As
            // in the kernel's circular scenario, CPU0's two lines say rlock for a read side, CPU1's say lock.
            string cpu1Second = chain.Count >= 2 ? chain[1].Name : held.Name;
            text.AppendLine("       CPU0                    CPU1");
            text.AppendLine("       ----                    ----");
            text.AppendLine($"  {Take(held)}");
            text.AppendLine($"                               lock{site.Name};");
            text.AppendLine($"                               lock{cpu1Second};");
            text.AppendLine($"  {Take(site)}");
            text.AppendLine();
            text.AppendLine(" *** DEADLOCK ***");
        }
    }
}
