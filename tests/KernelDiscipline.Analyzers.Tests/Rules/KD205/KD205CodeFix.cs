using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.AddMustHoldCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD205
{
    /// <summary>KD205's fix, AddMustHoldCodeFix: the requirement moves to the callers of private and internal methods.</summary>
    public class KD205CodeFix
    {
        [Fact]
        public Task PrivateAndInternalMethodsGetTheContract() => Verify.VerifyCodeFixAsync("""
            sealed class Counter
            {
                private readonly object gate = new();
                private readonly System.Threading.ReaderWriterLockSlim rw = new();

                [GuardedBy(nameof(gate))]
                private int count;

                [GuardedBy(nameof(rw))]
                private int version;

                private void Bump()
                {
                    {|KD205:count|}++;
                    {|KD205:count|} = {|KD205:count|} * 2;
                }

                internal int Read() => {|KD205:count|} + {|KD205:version|};

                private void Both()
                {
                    {|KD205:version|}++;
                    int seen = {|KD205:count|};
                }

                public void Add()
                {
                    lock (gate)
                        Bump();
                }
            }
            """, """
            sealed class Counter
            {
                private readonly object gate = new();
                private readonly System.Threading.ReaderWriterLockSlim rw = new();

                [GuardedBy(nameof(gate))]
                private int count;

                [GuardedBy(nameof(rw))]
                private int version;

                [MustHold("gate")]
                private void Bump()
                {
                    count++;
                    count = count * 2;
                }

                [MustHold("gate", "rw", Shared = true)]
                internal int Read() => count + version;

                [MustHold("rw")]
                [MustHold("gate", Shared = true)]
                private void Both()
                {
                    version++;
                    int seen = count;
                }

                public void Add()
                {
                    lock (gate)
                        Bump();
                }
            }
            """);

        [Fact]
        public Task LocalFunctionsGetItTooPublicMethodsAndLambdasDoNot() => Verify.VerifyCodeFixAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Public() => {|KD205:count|}++;

                public System.Action Later() => () => {|KD205:count|}++;

                public void Outer()
                {
                    Bump();

                    void Bump() => {|KD205:count|}++;
                }
            }
            """, """
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Public() => {|KD205:count|}++;

                public System.Action Later() => () => {|KD205:count|}++;

                public void Outer()
                {
                    {|KD206:Bump()|};

                    [MustHold("gate")]
                    void Bump() => count++;
                }
            }
            """);
    }
}
