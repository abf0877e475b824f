using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD203: which of .NET's waits do not sleep after all.</summary>
    internal sealed partial class DataflowEngine
    {
        private sealed partial class Transfer
        {
            /// <summary>
            /// A wait with a timeout of zero (<c>ev.WaitOne(0)</c>, <c>sem.Wait(0)</c>, <c>TimeSpan.Zero</c>) polls and returns:
            /// it does not sleep. <c>Thread.Sleep(0)</c> gives up the processor and <c>Monitor.Wait</c> gives up its monitor:
            /// those still do.
            /// </summary>
            private bool Polls(IInvocationOperation invocation)
            {
                var type = invocation.TargetMethod.ContainingType?.OriginalDefinition;
                var dotNet = engine.known.DotNet;
                if (type is null || SymbolEqualityComparer.Default.Equals(type, dotNet.Thread) || SymbolEqualityComparer.Default.Equals(type, dotNet.Monitor))
                {
                    return false;
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Name is "millisecondsTimeout" or "timeout" && IsZeroTimeout(Unwrap(argument.Value)))
                    {
                        return true;
                    }
                }

                return false;
            }

            private static bool IsZeroTimeout(IOperation value) =>
                value.ConstantValue is { HasValue: true, Value: 0 or 0L } ||
                value is IFieldReferenceOperation { Field: { Name: "Zero", ContainingType: { Name: "TimeSpan", ContainingNamespace.Name: "System" } } };
        }
    }
}
