using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>KD304's half of the transfer function: the Errno constants variables may hold, and comparisons with positive ones.</summary>
    internal sealed partial class DataflowEngine
    {
        /// <summary>The positive Errno constants <paramref name="operation"/> may be: one as written, or what the variable or capture it reads may hold.</summary>
        private ErrnoSet ErrnosOf(FlowFacts facts, IOperation operation)
        {
            var unwrapped = Unwrap(operation);
            if (facts.Errnos.Held.Count == 0 && unwrapped.Kind is not (OperationKind.FieldReference or OperationKind.Conditional))
            {
                return ErrnoSet.Empty; // the usual case: not a constant as written, and no variable holds one
            }

            switch (unwrapped)
            {
                case IFieldReferenceOperation field when ErrnoName(field) is { } name:
                    return ErrnoSet.Of(new ErrnoConstant(field.Syntax, name));
                case ILocalReferenceOperation local:
                    return facts.Errnos.Of(new ErrnoHolder(local.Local));
                case IParameterReferenceOperation parameter:
                    return facts.Errnos.Of(new ErrnoHolder(parameter.Parameter));
                case IFlowCaptureReferenceOperation capture:
                    return facts.Errnos.Of(new ErrnoHolder(capture.Id));
                case ISimpleAssignmentOperation assignment:
                    return ErrnosOf(facts, assignment.Value);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return ErrnosOf(facts, conditional.WhenTrue).Union(ErrnosOf(facts, whenFalse));
                default:
                    return ErrnoSet.Empty;
            }
        }

        /// <summary>The name of a positive constant of the Runtime's Errno (<c>Errno.EFAULT</c>), or null.</summary>
        private string? ErrnoName(IFieldReferenceOperation reference) =>
            reference.Field is { HasConstantValue: true, ConstantValue: int errno } field && errno > 0 &&
            SymbolEqualityComparer.Default.Equals(field.ContainingType, known.Errno) ? field.Name : null;

        private sealed partial class Transfer
        {
            /// <summary>A local or parameter written with <paramref name="value"/>: it holds the positive Errno constants that may be, and no others.</summary>
            private void NoteErrnoWrite(ISymbol variable, IOperation value) => Facts.Errnos.Write(new ErrnoHolder(variable), engine.ErrnosOf(Facts, value));

            /// <summary>A flow capture (an arm of <c>?:</c>, a switch's value) holds what its value may be.</summary>
            private void NoteErrnoCapture(IFlowCaptureOperation capture) => Facts.Errnos.Write(new ErrnoHolder(capture.Id), engine.ErrnosOf(Facts, capture.Value));

            /// <summary>Written some other way (<c>ret += n</c>, <c>ret++</c>, a deconstruction, a ref or out argument): no Errno constant known.</summary>
            private void ForgetErrnos(IOperation target)
            {
                if (Facts.Errnos.Held.Count == 0)
                {
                    return;
                }

                switch (Unwrap(target))
                {
                    case ILocalReferenceOperation local:
                        Facts.Errnos.Write(new ErrnoHolder(local.Local), ErrnoSet.Empty);
                        break;
                    case IParameterReferenceOperation parameter:
                        Facts.Errnos.Write(new ErrnoHolder(parameter.Parameter), ErrnoSet.Empty);
                        break;
                    case ITupleOperation tuple:
                        foreach (var element in tuple.Elements)
                        {
                            ForgetErrnos(element);
                        }

                        break;
                }
            }

            /// <summary>The variables a call writes through ref and out arguments.</summary>
            private void ForgetErrnoArguments(IInvocationOperation invocation)
            {
                if (Facts.Errnos.Held.Count == 0)
                {
                    return;
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
                    {
                        ForgetErrnos(argument.Value);
                    }
                }
            }

            /// <summary>
            /// On the edge where a variable is not the positive Errno constant it is compared with (<c>ret == Errno.EAGAIN</c>
            /// false, <c>ret is not Errno.EBUSY</c> true), it does not hold that constant.
            /// </summary>
            private void RefineErrnos(IOperation condition, bool truth, FlowFacts facts)
            {
                if (facts.Errnos.Held.Count == 0)
                {
                    return;
                }

                IOperation? variable = null, constant = null;
                bool equalWhenTrue = true;
                switch (condition)
                {
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                        (variable, constant) = binary.RightOperand.ConstantValue.HasValue ? (binary.LeftOperand, binary.RightOperand) : (binary.RightOperand, binary.LeftOperand);
                        equalWhenTrue = binary.OperatorKind == BinaryOperatorKind.Equals;
                        break;
                    case IIsPatternOperation { Pattern: IConstantPatternOperation pattern } test:
                        (variable, constant) = (test.Value, pattern.Value);
                        break;
                    case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation pattern } } test:
                        (variable, constant) = (test.Value, pattern.Value);
                        equalWhenTrue = false;
                        break;
                }

                if (variable is null || constant is null || !constant.ConstantValue.HasValue || truth == equalWhenTrue || Holder(variable) is not { } holder ||
                    engine.ErrnosOf(facts, constant).Items is not { Length: 1 } compared)
                {
                    return;
                }

                var held = facts.Errnos.Of(holder);
                var kept = ErrnoSet.Empty;
                foreach (var errno in held.Items)
                {
                    if (errno.Name != compared[0].Name)
                    {
                        kept = kept.Union(ErrnoSet.Of(errno));
                    }
                }

                if (!kept.Equals(held))
                {
                    facts.Errnos.Write(holder, kept);
                }
            }

            private static ErrnoHolder? Holder(IOperation operation) => Unwrap(operation) switch
            {
                ILocalReferenceOperation local => new ErrnoHolder(local.Local),
                IParameterReferenceOperation parameter => new ErrnoHolder(parameter.Parameter),
                IFlowCaptureReferenceOperation capture => new ErrnoHolder(capture.Id),
                _ => null,
            };

            /// <summary>KD304: every constant of a pattern (<c>err is Errno.EAGAIN or Errno.EBUSY</c>, <c>is not …</c>) is a comparison.</summary>
            private void NoteErrnoPatterns(IIsPatternOperation test, IPatternOperation pattern)
            {
                switch (pattern)
                {
                    case IConstantPatternOperation constant:
                        NoteErrnoComparison(test, constant.Value, test.Value);
                        break;
                    case IBinaryPatternOperation binary:
                        NoteErrnoPatterns(test, binary.LeftPattern);
                        NoteErrnoPatterns(test, binary.RightPattern);
                        break;
                    case INegatedPatternOperation negated:
                        NoteErrnoPatterns(test, negated.Pattern);
                        break;
                }
            }
        }
    }
}
