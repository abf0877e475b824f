using System.Collections.Generic;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    public class KernelTests
    {
        [Fact]
        public void BugOnThrowsWithTheConditionAndSite()
        {
            int mapcount = -1;
            var bug = Assert.Throws<KernelBugException>(() => Kernel.BugOn(mapcount < 0));
            Assert.Contains("mapcount < 0", bug.Message);
            Assert.Contains("KernelTests.cs:", bug.Message);
            Kernel.BugOn(mapcount > 0);
        }

        [Fact]
        public void WarnOnOnceReturnsTheConditionAndWarnsOncePerSite()
        {
            var warnings = new List<string>();
            Kernel.WarningSink = warnings.Add;
            try
            {
                int hits = 0;
                for (int i = 0; i < 3; i++)
                {
                    if (Kernel.WarnOnOnce(i >= 1))
                    {
                        hits++;
                    }
                }

                Assert.Equal(2, hits);
                Assert.Single(warnings);
                Assert.Contains("i >= 1", warnings[0]);
            }
            finally
            {
                Kernel.WarningSink = null;
            }
        }

        [Fact]
        public void ErrnoValuesAreTheKernelsAndReturnedNegated()
        {
            Assert.Equal(11, Errno.EAGAIN);
            Assert.Equal(14, Errno.EFAULT);
            Assert.Equal(17, Errno.EEXIST);
            Assert.Equal(0x100, (int)VmFault.NoPage);
            Assert.Equal(0x400, (int)VmFault.Retry);
        }
    }
}
