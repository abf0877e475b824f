using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.AddNullCheckCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD101
{
    /// <summary>KD101's fix, AddNullCheckCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD101CodeFix
    {
        [Fact]
        public Task AsyncMethodsAndSwitchSections() => Verify.VerifyCodeFixAsync("""
            using System.Threading.Tasks;
            using KernelDiscipline.Runtime;

            class C
            {
                async Task Touch(Pmd pmd, ulong addr)
                {
                    await Task.Yield();
                    var pte = pmd.MapLock(addr);
                    {|KD101:pte|}.Unlock();
                }

                async Task<int> Count(Pmd pmd, ulong addr)
                {
                    await Task.Yield();
                    var pte = pmd.MapLock(addr);
                    {|KD101:pte|}.Unlock();
                    return 1;
                }

                int Pick(Pmd pmd, ulong addr, int how)
                {
                    switch (how)
                    {
                        case 0:
                            var pte = pmd.MapLock(addr);
                            {|KD101:pte|}.Unlock();
                            return 0;
                        default:
                            return 1;
                    }
                }
            }
            """, """
            using System.Threading.Tasks;
            using KernelDiscipline.Runtime;

            class C
            {
                async Task Touch(Pmd pmd, ulong addr)
                {
                    await Task.Yield();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return;
                    pte.Unlock();
                }

                async Task<int> Count(Pmd pmd, ulong addr)
                {
                    await Task.Yield();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 1;
                }

                int Pick(Pmd pmd, ulong addr, int how)
                {
                    switch (how)
                    {
                        case 0:
                            var pte = pmd.MapLock(addr);
                            if (pte is null)
                                return -Errno.EAGAIN;
                            pte.Unlock();
                            return 0;
                        default:
                            return 1;
                    }
                }
            }
            """);

        [Fact]
        public Task ReturnsEagainFromAnErrnoMethod() => Verify.VerifyCodeFixAsync("""
            using KernelDiscipline.Runtime;

            class C
            {
                int Clear(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    pte.Write(addr, null);
                    pte.Unlock();
                    return 0;
                }

                int Peek(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    int present = pte.Read(addr) is null ? 0 : 1;
                    pte.Dispose();
                    return present;
                }
            }
            """.Replace("var pte = pmd.MapLock(addr);\n        pte.", "var pte = pmd.MapLock(addr);\n        {|KD101:pte|}.")
               .Replace("int present = pte.", "int present = {|KD101:pte|}."),
            """
            using KernelDiscipline.Runtime;

            class C
            {
                int Clear(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Write(addr, null);
                    pte.Unlock();
                    return 0;
                }

                int Peek(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    int present = pte.Read(addr) is null ? 0 : 1;
                    pte.Dispose();
                    return present;
                }
            }
            """);

        [Fact]
        public Task FaultHandlerGetsNoPageAndRetryPointsAreReused() => Verify.VerifyCodeFixAsync("""
            sealed class Fault { public PteMap? Pte; }

            class C
            {
                VmFault Finish(Fault vmf, Pmd pmd, ulong addr)
                {
                    vmf.Pte = pmd.MapLock(addr);
                    {|KD101:vmf.Pte|}.Unlock();
                    return VmFault.None;
                }

                int Again(Pmd pmd, ulong addr)
                {
                again:
                    var pte = pmd.MapLock(addr);
                    {|KD101:pte|}.Unlock();
                    return 0;
                }

                void Loop(Pmd pmd, ulong addr)
                {
                    while (true)
                    {
                        var pte = pmd.MapLock(addr);
                        {|KD101:pte|}.Unlock();
                        break;
                    }
                }

                void Void(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD101:pte|}.Unlock();
                }
            }
            """,
            """
            sealed class Fault { public PteMap? Pte; }

            class C
            {
                VmFault Finish(Fault vmf, Pmd pmd, ulong addr)
                {
                    vmf.Pte = pmd.MapLock(addr);
                    if (vmf.Pte is null)
                        return VmFault.NoPage;
                    vmf.Pte.Unlock();
                    return VmFault.None;
                }

                int Again(Pmd pmd, ulong addr)
                {
                again:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto again;
                    pte.Unlock();
                    return 0;
                }

                void Loop(Pmd pmd, ulong addr)
                {
                    while (true)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                        break;
                    }
                }

                void Void(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return;
                    pte.Unlock();
                }
            }
            """);

        [Fact]
        public Task NoFixForADiscardedResult() => Verify.VerifyCodeFixAsync("""
            class C
            {
                void Touch(Pmd pmd, ulong addr) => {|KD101:pmd.Map(addr)|};
            }
            """,
            """
            class C
            {
                void Touch(Pmd pmd, ulong addr) => {|KD101:pmd.Map(addr)|};
            }
            """);
    }
}
