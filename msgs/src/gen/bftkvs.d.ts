// DO NOT EDIT! This is a generated file. Edit the source file instead and regenerate.

import * as $protobuf from "protobufjs/minimal.js";

/** Namespace bftkvs. */
export namespace bftkvs {

    /** Namespace wire. */
    namespace wire {

        /**
         * Properties of a Frame.
         * @deprecated Use bftkvs.wire.Frame.$Properties instead.
         */
        interface IFrame extends bftkvs.wire.Frame.$Properties {
        }

        /** Represents a Frame. */
        class Frame {

            /**
             * Constructs a new Frame.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Frame.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Frame version. */
            version: number;

            /** Frame clusterId. */
            clusterId: number;

            /** Frame from. */
            from: number;

            /** Frame to. */
            to: number;

            /** Frame incarnation. */
            incarnation: number;

            /** Frame seq. */
            seq: number;

            /** Frame body. */
            body: Uint8Array;

            /** Frame mac. */
            mac: Uint8Array;

            /**
             * Creates a new Frame instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Frame instance
             */
            static create(properties: bftkvs.wire.Frame.$Shape): bftkvs.wire.Frame & bftkvs.wire.Frame.$Shape;
            static create(properties?: bftkvs.wire.Frame.$Properties): bftkvs.wire.Frame;

            /**
             * Encodes the specified Frame message. Does not implicitly {@link bftkvs.wire.Frame.verify|verify} messages.
             * @param message Frame message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Frame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Frame message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Frame & bftkvs.wire.Frame.$Shape} Frame
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Frame & bftkvs.wire.Frame.$Shape;
        }

        namespace Frame {

            /** Properties of a Frame. */
            interface $Properties {

                /** Frame version */
                version?: (number|null);

                /** Frame clusterId */
                clusterId?: (number|null);

                /** Frame from */
                from?: (number|null);

                /** Frame to */
                to?: (number|null);

                /** Frame incarnation */
                incarnation?: (number|null);

                /** Frame seq */
                seq?: (number|null);

                /** Frame body */
                body?: (Uint8Array|null);

                /** Frame mac */
                mac?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Frame. */
            type $Shape = bftkvs.wire.Frame.$Properties;
        }

        /**
         * Properties of a Body.
         * @deprecated Use bftkvs.wire.Body.$Properties instead.
         */
        interface IBody extends bftkvs.wire.Body.$Properties {
        }

        /** Represents a Body. */
        class Body {

            /**
             * Constructs a new Body.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Body.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Body writeRequest. */
            writeRequest?: (bftkvs.wire.ClientWriteRequest.$Properties|null);

            /** Body writeReply. */
            writeReply?: (bftkvs.wire.ClientWriteReply.$Properties|null);

            /** Body readRequest. */
            readRequest?: (bftkvs.wire.ClientReadRequest.$Properties|null);

            /** Body readReply. */
            readReply?: (bftkvs.wire.ClientReadReply.$Properties|null);

            /** Body subscribe. */
            subscribe?: (bftkvs.wire.ClientSubscribe.$Properties|null);

            /** Body slotNotice. */
            slotNotice?: (bftkvs.wire.SlotNotice.$Properties|null);

            /** Body statusRequest. */
            statusRequest?: (bftkvs.wire.StatusRequest.$Properties|null);

            /** Body statusReply. */
            statusReply?: (bftkvs.wire.StatusReply.$Properties|null);

            /** Body write. */
            write?: (bftkvs.wire.WriteBroadcast.$Properties|null);

            /** Body prePrepare. */
            prePrepare?: (bftkvs.wire.PrePrepare.$Properties|null);

            /** Body prepare. */
            prepare?: (bftkvs.wire.Prepare.$Properties|null);

            /** Body commit. */
            commit?: (bftkvs.wire.Commit.$Properties|null);

            /** Body checkpoint. */
            checkpoint?: (bftkvs.wire.Checkpoint.$Properties|null);

            /** Body viewChange. */
            viewChange?: (bftkvs.wire.ViewChange.$Properties|null);

            /** Body newView. */
            newView?: (bftkvs.wire.NewView.$Properties|null);

            /** Body syncReport. */
            syncReport?: (bftkvs.wire.SyncReport.$Properties|null);

            /** Body stateRequest. */
            stateRequest?: (bftkvs.wire.StateRequest.$Properties|null);

            /** Body stateReply. */
            stateReply?: (bftkvs.wire.StateReply.$Properties|null);

            /** Body kind. */
            kind?: ("writeRequest"|"writeReply"|"readRequest"|"readReply"|"subscribe"|"slotNotice"|"statusRequest"|"statusReply"|"write"|"prePrepare"|"prepare"|"commit"|"checkpoint"|"viewChange"|"newView"|"syncReport"|"stateRequest"|"stateReply");

            /**
             * Creates a new Body instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Body instance
             */
            static create(properties: bftkvs.wire.Body.$Shape): bftkvs.wire.Body & bftkvs.wire.Body.$Shape;
            static create(properties?: bftkvs.wire.Body.$Properties): bftkvs.wire.Body;

            /**
             * Encodes the specified Body message. Does not implicitly {@link bftkvs.wire.Body.verify|verify} messages.
             * @param message Body message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Body.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Body message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Body & bftkvs.wire.Body.$Shape} Body
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Body & bftkvs.wire.Body.$Shape;
        }

        namespace Body {

            /** Properties of a Body. */
            interface $Properties {

                /** Body writeRequest */
                writeRequest?: (bftkvs.wire.ClientWriteRequest.$Properties|null);

                /** Body writeReply */
                writeReply?: (bftkvs.wire.ClientWriteReply.$Properties|null);

                /** Body readRequest */
                readRequest?: (bftkvs.wire.ClientReadRequest.$Properties|null);

                /** Body readReply */
                readReply?: (bftkvs.wire.ClientReadReply.$Properties|null);

                /** Body subscribe */
                subscribe?: (bftkvs.wire.ClientSubscribe.$Properties|null);

                /** Body slotNotice */
                slotNotice?: (bftkvs.wire.SlotNotice.$Properties|null);

                /** Body statusRequest */
                statusRequest?: (bftkvs.wire.StatusRequest.$Properties|null);

                /** Body statusReply */
                statusReply?: (bftkvs.wire.StatusReply.$Properties|null);

                /** Body write */
                write?: (bftkvs.wire.WriteBroadcast.$Properties|null);

                /** Body prePrepare */
                prePrepare?: (bftkvs.wire.PrePrepare.$Properties|null);

                /** Body prepare */
                prepare?: (bftkvs.wire.Prepare.$Properties|null);

                /** Body commit */
                commit?: (bftkvs.wire.Commit.$Properties|null);

                /** Body checkpoint */
                checkpoint?: (bftkvs.wire.Checkpoint.$Properties|null);

                /** Body viewChange */
                viewChange?: (bftkvs.wire.ViewChange.$Properties|null);

                /** Body newView */
                newView?: (bftkvs.wire.NewView.$Properties|null);

                /** Body syncReport */
                syncReport?: (bftkvs.wire.SyncReport.$Properties|null);

                /** Body stateRequest */
                stateRequest?: (bftkvs.wire.StateRequest.$Properties|null);

                /** Body stateReply */
                stateReply?: (bftkvs.wire.StateReply.$Properties|null);

                /** Body kind */
                kind?: ("writeRequest"|"writeReply"|"readRequest"|"readReply"|"subscribe"|"slotNotice"|"statusRequest"|"statusReply"|"write"|"prePrepare"|"prepare"|"commit"|"checkpoint"|"viewChange"|"newView"|"syncReport"|"stateRequest"|"stateReply");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a Body. */
            type $Shape = {
              writeRequest?: bftkvs.wire.ClientWriteRequest.$Shape|null;
              writeReply?: bftkvs.wire.ClientWriteReply.$Shape|null;
              readRequest?: bftkvs.wire.ClientReadRequest.$Shape|null;
              readReply?: bftkvs.wire.ClientReadReply.$Shape|null;
              subscribe?: bftkvs.wire.ClientSubscribe.$Shape|null;
              slotNotice?: bftkvs.wire.SlotNotice.$Shape|null;
              statusRequest?: bftkvs.wire.StatusRequest.$Shape|null;
              statusReply?: bftkvs.wire.StatusReply.$Shape|null;
              write?: bftkvs.wire.WriteBroadcast.$Shape|null;
              prePrepare?: bftkvs.wire.PrePrepare.$Shape|null;
              prepare?: bftkvs.wire.Prepare.$Shape|null;
              commit?: bftkvs.wire.Commit.$Shape|null;
              checkpoint?: bftkvs.wire.Checkpoint.$Shape|null;
              viewChange?: bftkvs.wire.ViewChange.$Shape|null;
              newView?: bftkvs.wire.NewView.$Shape|null;
              syncReport?: bftkvs.wire.SyncReport.$Shape|null;
              stateRequest?: bftkvs.wire.StateRequest.$Shape|null;
              stateReply?: bftkvs.wire.StateReply.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "writeRequest"; writeRequest: bftkvs.wire.ClientWriteRequest.$Shape; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "writeReply"; writeRequest?: null; writeReply: bftkvs.wire.ClientWriteReply.$Shape; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "readRequest"; writeRequest?: null; writeReply?: null; readRequest: bftkvs.wire.ClientReadRequest.$Shape; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "readReply"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply: bftkvs.wire.ClientReadReply.$Shape; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "subscribe"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe: bftkvs.wire.ClientSubscribe.$Shape; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "slotNotice"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice: bftkvs.wire.SlotNotice.$Shape; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "statusRequest"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest: bftkvs.wire.StatusRequest.$Shape; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "statusReply"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply: bftkvs.wire.StatusReply.$Shape; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "write"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write: bftkvs.wire.WriteBroadcast.$Shape; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "prePrepare"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare: bftkvs.wire.PrePrepare.$Shape; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "prepare"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare: bftkvs.wire.Prepare.$Shape; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "commit"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit: bftkvs.wire.Commit.$Shape; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "checkpoint"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint: bftkvs.wire.Checkpoint.$Shape; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "viewChange"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange: bftkvs.wire.ViewChange.$Shape; newView?: null; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "newView"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView: bftkvs.wire.NewView.$Shape; syncReport?: null; stateRequest?: null; stateReply?: null }|{ kind?: "syncReport"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport: bftkvs.wire.SyncReport.$Shape; stateRequest?: null; stateReply?: null }|{ kind?: "stateRequest"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest: bftkvs.wire.StateRequest.$Shape; stateReply?: null }|{ kind?: "stateReply"; writeRequest?: null; writeReply?: null; readRequest?: null; readReply?: null; subscribe?: null; slotNotice?: null; statusRequest?: null; statusReply?: null; write?: null; prePrepare?: null; prepare?: null; commit?: null; checkpoint?: null; viewChange?: null; newView?: null; syncReport?: null; stateRequest?: null; stateReply: bftkvs.wire.StateReply.$Shape })
            );
        }

        /**
         * Properties of a Value.
         * @deprecated Use bftkvs.wire.Value.$Properties instead.
         */
        interface IValue extends bftkvs.wire.Value.$Properties {
        }

        /** Represents a Value. */
        class Value {

            /**
             * Constructs a new Value.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Value.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Value f64. */
            f64?: (number|null);

            /** Value i64. */
            i64?: (number|null);

            /** Value b. */
            b?: (boolean|null);

            /** Value s. */
            s?: (string|null);

            /** Value vec. */
            vec?: (bftkvs.wire.F64Vector.$Properties|null);

            /** Value fields. */
            fields?: (bftkvs.wire.Struct.$Properties|null);

            /** Value kind. */
            kind?: ("f64"|"i64"|"b"|"s"|"vec"|"fields");

            /**
             * Creates a new Value instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Value instance
             */
            static create(properties: bftkvs.wire.Value.$Shape): bftkvs.wire.Value & bftkvs.wire.Value.$Shape;
            static create(properties?: bftkvs.wire.Value.$Properties): bftkvs.wire.Value;

            /**
             * Encodes the specified Value message. Does not implicitly {@link bftkvs.wire.Value.verify|verify} messages.
             * @param message Value message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Value.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Value message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Value & bftkvs.wire.Value.$Shape} Value
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Value & bftkvs.wire.Value.$Shape;
        }

        namespace Value {

            /** Properties of a Value. */
            interface $Properties {

                /** Value f64 */
                f64?: (number|null);

                /** Value i64 */
                i64?: (number|null);

                /** Value b */
                b?: (boolean|null);

                /** Value s */
                s?: (string|null);

                /** Value vec */
                vec?: (bftkvs.wire.F64Vector.$Properties|null);

                /** Value fields */
                fields?: (bftkvs.wire.Struct.$Properties|null);

                /** Value kind */
                kind?: ("f64"|"i64"|"b"|"s"|"vec"|"fields");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a Value. */
            type $Shape = {
              f64?: number|null;
              i64?: number|null;
              b?: boolean|null;
              s?: string|null;
              vec?: bftkvs.wire.F64Vector.$Shape|null;
              fields?: bftkvs.wire.Struct.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; f64?: null; i64?: null; b?: null; s?: null; vec?: null; fields?: null }|{ kind?: "f64"; f64: number; i64?: null; b?: null; s?: null; vec?: null; fields?: null }|{ kind?: "i64"; f64?: null; i64: number; b?: null; s?: null; vec?: null; fields?: null }|{ kind?: "b"; f64?: null; i64?: null; b: boolean; s?: null; vec?: null; fields?: null }|{ kind?: "s"; f64?: null; i64?: null; b?: null; s: string; vec?: null; fields?: null }|{ kind?: "vec"; f64?: null; i64?: null; b?: null; s?: null; vec: bftkvs.wire.F64Vector.$Shape; fields?: null }|{ kind?: "fields"; f64?: null; i64?: null; b?: null; s?: null; vec?: null; fields: bftkvs.wire.Struct.$Shape })
            );
        }

        /**
         * Properties of a F64Vector.
         * @deprecated Use bftkvs.wire.F64Vector.$Properties instead.
         */
        interface IF64Vector extends bftkvs.wire.F64Vector.$Properties {
        }

        /** Represents a F64Vector. */
        class F64Vector {

            /**
             * Constructs a new F64Vector.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.F64Vector.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** F64Vector items. */
            items: number[];

            /**
             * Creates a new F64Vector instance using the specified properties.
             * @param [properties] Properties to set
             * @returns F64Vector instance
             */
            static create(properties: bftkvs.wire.F64Vector.$Shape): bftkvs.wire.F64Vector & bftkvs.wire.F64Vector.$Shape;
            static create(properties?: bftkvs.wire.F64Vector.$Properties): bftkvs.wire.F64Vector;

            /**
             * Encodes the specified F64Vector message. Does not implicitly {@link bftkvs.wire.F64Vector.verify|verify} messages.
             * @param message F64Vector message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.F64Vector.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a F64Vector message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.F64Vector & bftkvs.wire.F64Vector.$Shape} F64Vector
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.F64Vector & bftkvs.wire.F64Vector.$Shape;
        }

        namespace F64Vector {

            /** Properties of a F64Vector. */
            interface $Properties {

                /** F64Vector items */
                items?: (number[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a F64Vector. */
            type $Shape = bftkvs.wire.F64Vector.$Properties;
        }

        /**
         * Properties of a Struct.
         * @deprecated Use bftkvs.wire.Struct.$Properties instead.
         */
        interface IStruct extends bftkvs.wire.Struct.$Properties {
        }

        /** Represents a Struct. */
        class Struct {

            /**
             * Constructs a new Struct.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Struct.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Struct fields. */
            fields: bftkvs.wire.StructField.$Properties[];

            /**
             * Creates a new Struct instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Struct instance
             */
            static create(properties: bftkvs.wire.Struct.$Shape): bftkvs.wire.Struct & bftkvs.wire.Struct.$Shape;
            static create(properties?: bftkvs.wire.Struct.$Properties): bftkvs.wire.Struct;

            /**
             * Encodes the specified Struct message. Does not implicitly {@link bftkvs.wire.Struct.verify|verify} messages.
             * @param message Struct message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Struct.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Struct message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Struct & bftkvs.wire.Struct.$Shape} Struct
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Struct & bftkvs.wire.Struct.$Shape;
        }

        namespace Struct {

            /** Properties of a Struct. */
            interface $Properties {

                /** Struct fields */
                fields?: (bftkvs.wire.StructField.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Struct. */
            type $Shape = {
              fields?: bftkvs.wire.StructField.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a StructField.
         * @deprecated Use bftkvs.wire.StructField.$Properties instead.
         */
        interface IStructField extends bftkvs.wire.StructField.$Properties {
        }

        /** Represents a StructField. */
        class StructField {

            /**
             * Constructs a new StructField.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.StructField.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StructField name. */
            name: string;

            /** StructField f64. */
            f64?: (number|null);

            /** StructField i64. */
            i64?: (number|null);

            /** StructField b. */
            b?: (boolean|null);

            /** StructField s. */
            s?: (string|null);

            /** StructField kind. */
            kind?: ("f64"|"i64"|"b"|"s");

            /**
             * Creates a new StructField instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StructField instance
             */
            static create(properties: bftkvs.wire.StructField.$Shape): bftkvs.wire.StructField & bftkvs.wire.StructField.$Shape;
            static create(properties?: bftkvs.wire.StructField.$Properties): bftkvs.wire.StructField;

            /**
             * Encodes the specified StructField message. Does not implicitly {@link bftkvs.wire.StructField.verify|verify} messages.
             * @param message StructField message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.StructField.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StructField message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.StructField & bftkvs.wire.StructField.$Shape} StructField
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.StructField & bftkvs.wire.StructField.$Shape;
        }

        namespace StructField {

            /** Properties of a StructField. */
            interface $Properties {

                /** StructField name */
                name?: (string|null);

                /** StructField f64 */
                f64?: (number|null);

                /** StructField i64 */
                i64?: (number|null);

                /** StructField b */
                b?: (boolean|null);

                /** StructField s */
                s?: (string|null);

                /** StructField kind */
                kind?: ("f64"|"i64"|"b"|"s");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a StructField. */
            type $Shape = {
              name?: string|null;
              f64?: number|null;
              i64?: number|null;
              b?: boolean|null;
              s?: string|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; f64?: null; i64?: null; b?: null; s?: null }|{ kind?: "f64"; f64: number; i64?: null; b?: null; s?: null }|{ kind?: "i64"; f64?: null; i64: number; b?: null; s?: null }|{ kind?: "b"; f64?: null; i64?: null; b: boolean; s?: null }|{ kind?: "s"; f64?: null; i64?: null; b?: null; s: string })
            );
        }

        /**
         * Properties of a Write.
         * @deprecated Use bftkvs.wire.Write.$Properties instead.
         */
        interface IWrite extends bftkvs.wire.Write.$Properties {
        }

        /** Represents a Write. */
        class Write {

            /**
             * Constructs a new Write.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Write.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Write key. */
            key: string;

            /** Write publishTimeUs. */
            publishTimeUs: number;

            /** Write writer. */
            writer: string;

            /** Write value. */
            value?: (bftkvs.wire.Value.$Properties|null);

            /** Write origin. */
            origin: number;

            /** Write issuedAtUs. */
            issuedAtUs: number;

            /**
             * Creates a new Write instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Write instance
             */
            static create(properties: bftkvs.wire.Write.$Shape): bftkvs.wire.Write & bftkvs.wire.Write.$Shape;
            static create(properties?: bftkvs.wire.Write.$Properties): bftkvs.wire.Write;

            /**
             * Encodes the specified Write message. Does not implicitly {@link bftkvs.wire.Write.verify|verify} messages.
             * @param message Write message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Write.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Write message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Write & bftkvs.wire.Write.$Shape} Write
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Write & bftkvs.wire.Write.$Shape;
        }

        namespace Write {

            /** Properties of a Write. */
            interface $Properties {

                /** Write key */
                key?: (string|null);

                /** Write publishTimeUs */
                publishTimeUs?: (number|null);

                /** Write writer */
                writer?: (string|null);

                /** Write value */
                value?: (bftkvs.wire.Value.$Properties|null);

                /** Write origin */
                origin?: (number|null);

                /** Write issuedAtUs */
                issuedAtUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Write. */
            type $Shape = {
              key?: string|null;
              publishTimeUs?: number|null;
              writer?: string|null;
              value?: bftkvs.wire.Value.$Shape|null;
              origin?: number|null;
              issuedAtUs?: number|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of an AuthenticatedWrite.
         * @deprecated Use bftkvs.wire.AuthenticatedWrite.$Properties instead.
         */
        interface IAuthenticatedWrite extends bftkvs.wire.AuthenticatedWrite.$Properties {
        }

        /** Represents an AuthenticatedWrite. */
        class AuthenticatedWrite {

            /**
             * Constructs a new AuthenticatedWrite.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.AuthenticatedWrite.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AuthenticatedWrite write. */
            write: Uint8Array;

            /** AuthenticatedWrite macs. */
            macs: Uint8Array[];

            /** AuthenticatedWrite signature. */
            signature: Uint8Array;

            /**
             * Creates a new AuthenticatedWrite instance using the specified properties.
             * @param [properties] Properties to set
             * @returns AuthenticatedWrite instance
             */
            static create(properties: bftkvs.wire.AuthenticatedWrite.$Shape): bftkvs.wire.AuthenticatedWrite & bftkvs.wire.AuthenticatedWrite.$Shape;
            static create(properties?: bftkvs.wire.AuthenticatedWrite.$Properties): bftkvs.wire.AuthenticatedWrite;

            /**
             * Encodes the specified AuthenticatedWrite message. Does not implicitly {@link bftkvs.wire.AuthenticatedWrite.verify|verify} messages.
             * @param message AuthenticatedWrite message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.AuthenticatedWrite.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an AuthenticatedWrite message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.AuthenticatedWrite & bftkvs.wire.AuthenticatedWrite.$Shape} AuthenticatedWrite
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.AuthenticatedWrite & bftkvs.wire.AuthenticatedWrite.$Shape;
        }

        namespace AuthenticatedWrite {

            /** Properties of an AuthenticatedWrite. */
            interface $Properties {

                /** AuthenticatedWrite write */
                write?: (Uint8Array|null);

                /** AuthenticatedWrite macs */
                macs?: (Uint8Array[]|null);

                /** AuthenticatedWrite signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AuthenticatedWrite. */
            type $Shape = bftkvs.wire.AuthenticatedWrite.$Properties;
        }

        /**
         * Properties of a WriteBroadcast.
         * @deprecated Use bftkvs.wire.WriteBroadcast.$Properties instead.
         */
        interface IWriteBroadcast extends bftkvs.wire.WriteBroadcast.$Properties {
        }

        /** Represents a WriteBroadcast. */
        class WriteBroadcast {

            /**
             * Constructs a new WriteBroadcast.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.WriteBroadcast.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** WriteBroadcast write. */
            write?: (bftkvs.wire.AuthenticatedWrite.$Properties|null);

            /** WriteBroadcast hop. */
            hop: number;

            /**
             * Creates a new WriteBroadcast instance using the specified properties.
             * @param [properties] Properties to set
             * @returns WriteBroadcast instance
             */
            static create(properties: bftkvs.wire.WriteBroadcast.$Shape): bftkvs.wire.WriteBroadcast & bftkvs.wire.WriteBroadcast.$Shape;
            static create(properties?: bftkvs.wire.WriteBroadcast.$Properties): bftkvs.wire.WriteBroadcast;

            /**
             * Encodes the specified WriteBroadcast message. Does not implicitly {@link bftkvs.wire.WriteBroadcast.verify|verify} messages.
             * @param message WriteBroadcast message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.WriteBroadcast.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a WriteBroadcast message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.WriteBroadcast & bftkvs.wire.WriteBroadcast.$Shape} WriteBroadcast
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.WriteBroadcast & bftkvs.wire.WriteBroadcast.$Shape;
        }

        namespace WriteBroadcast {

            /** Properties of a WriteBroadcast. */
            interface $Properties {

                /** WriteBroadcast write */
                write?: (bftkvs.wire.AuthenticatedWrite.$Properties|null);

                /** WriteBroadcast hop */
                hop?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a WriteBroadcast. */
            type $Shape = bftkvs.wire.WriteBroadcast.$Properties;
        }

        /**
         * Properties of a Contribution.
         * @deprecated Use bftkvs.wire.Contribution.$Properties instead.
         */
        interface IContribution extends bftkvs.wire.Contribution.$Properties {
        }

        /** Represents a Contribution. */
        class Contribution {

            /**
             * Constructs a new Contribution.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Contribution.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Contribution writer. */
            writer: string;

            /** Contribution value. */
            value?: (bftkvs.wire.Value.$Properties|null);

            /**
             * Creates a new Contribution instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Contribution instance
             */
            static create(properties: bftkvs.wire.Contribution.$Shape): bftkvs.wire.Contribution & bftkvs.wire.Contribution.$Shape;
            static create(properties?: bftkvs.wire.Contribution.$Properties): bftkvs.wire.Contribution;

            /**
             * Encodes the specified Contribution message. Does not implicitly {@link bftkvs.wire.Contribution.verify|verify} messages.
             * @param message Contribution message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Contribution.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Contribution message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Contribution & bftkvs.wire.Contribution.$Shape} Contribution
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Contribution & bftkvs.wire.Contribution.$Shape;
        }

        namespace Contribution {

            /** Properties of a Contribution. */
            interface $Properties {

                /** Contribution writer */
                writer?: (string|null);

                /** Contribution value */
                value?: (bftkvs.wire.Value.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Contribution. */
            type $Shape = {
              writer?: string|null;
              value?: bftkvs.wire.Value.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a PublishedSlot.
         * @deprecated Use bftkvs.wire.PublishedSlot.$Properties instead.
         */
        interface IPublishedSlot extends bftkvs.wire.PublishedSlot.$Properties {
        }

        /** Represents a PublishedSlot. */
        class PublishedSlot {

            /**
             * Constructs a new PublishedSlot.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.PublishedSlot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PublishedSlot key. */
            key: string;

            /** PublishedSlot publishTimeUs. */
            publishTimeUs: number;

            /** PublishedSlot value. */
            value?: (bftkvs.wire.Value.$Properties|null);

            /** PublishedSlot contributions. */
            contributions: bftkvs.wire.Contribution.$Properties[];

            /** PublishedSlot agreed. */
            agreed: boolean;

            /** PublishedSlot repairs. */
            repairs: number;

            /**
             * Creates a new PublishedSlot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PublishedSlot instance
             */
            static create(properties: bftkvs.wire.PublishedSlot.$Shape): bftkvs.wire.PublishedSlot & bftkvs.wire.PublishedSlot.$Shape;
            static create(properties?: bftkvs.wire.PublishedSlot.$Properties): bftkvs.wire.PublishedSlot;

            /**
             * Encodes the specified PublishedSlot message. Does not implicitly {@link bftkvs.wire.PublishedSlot.verify|verify} messages.
             * @param message PublishedSlot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.PublishedSlot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PublishedSlot message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.PublishedSlot & bftkvs.wire.PublishedSlot.$Shape} PublishedSlot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.PublishedSlot & bftkvs.wire.PublishedSlot.$Shape;
        }

        namespace PublishedSlot {

            /** Properties of a PublishedSlot. */
            interface $Properties {

                /** PublishedSlot key */
                key?: (string|null);

                /** PublishedSlot publishTimeUs */
                publishTimeUs?: (number|null);

                /** PublishedSlot value */
                value?: (bftkvs.wire.Value.$Properties|null);

                /** PublishedSlot contributions */
                contributions?: (bftkvs.wire.Contribution.$Properties[]|null);

                /** PublishedSlot agreed */
                agreed?: (boolean|null);

                /** PublishedSlot repairs */
                repairs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PublishedSlot. */
            type $Shape = {
              key?: string|null;
              publishTimeUs?: number|null;
              value?: bftkvs.wire.Value.$Shape|null;
              contributions?: bftkvs.wire.Contribution.$Shape[]|null;
              agreed?: boolean|null;
              repairs?: number|null;
              $unknowns?: Uint8Array[];
            };
        }

        /** ErrorCode enum. */
        enum ErrorCode {

            /** OK value */
            OK = 0,

            /** TOO_LATE value */
            TOO_LATE = 1,

            /** TOO_FAR_AHEAD value */
            TOO_FAR_AHEAD = 2,

            /** OFF_GRID value */
            OFF_GRID = 3,

            /** UNKNOWN_KEY value */
            UNKNOWN_KEY = 4,

            /** NOT_AUTHORISED value */
            NOT_AUTHORISED = 5,

            /** BAD_VALUE value */
            BAD_VALUE = 6,

            /** NO_FRESH_VALUE value */
            NO_FRESH_VALUE = 7,

            /** DUPLICATE value */
            DUPLICATE = 8,

            /** CONFLICT value */
            CONFLICT = 9,

            /** OVERLOADED value */
            OVERLOADED = 10,

            /** MALFORMED value */
            MALFORMED = 11,

            /** UNAVAILABLE value */
            UNAVAILABLE = 12
        }

        /**
         * Properties of a ClientWriteRequest.
         * @deprecated Use bftkvs.wire.ClientWriteRequest.$Properties instead.
         */
        interface IClientWriteRequest extends bftkvs.wire.ClientWriteRequest.$Properties {
        }

        /** Represents a ClientWriteRequest. */
        class ClientWriteRequest {

            /**
             * Constructs a new ClientWriteRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ClientWriteRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ClientWriteRequest requestId. */
            requestId: number;

            /** ClientWriteRequest key. */
            key: string;

            /** ClientWriteRequest writer. */
            writer: string;

            /** ClientWriteRequest publishTimeUs. */
            publishTimeUs: number;

            /** ClientWriteRequest value. */
            value?: (bftkvs.wire.Value.$Properties|null);

            /**
             * Creates a new ClientWriteRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ClientWriteRequest instance
             */
            static create(properties: bftkvs.wire.ClientWriteRequest.$Shape): bftkvs.wire.ClientWriteRequest & bftkvs.wire.ClientWriteRequest.$Shape;
            static create(properties?: bftkvs.wire.ClientWriteRequest.$Properties): bftkvs.wire.ClientWriteRequest;

            /**
             * Encodes the specified ClientWriteRequest message. Does not implicitly {@link bftkvs.wire.ClientWriteRequest.verify|verify} messages.
             * @param message ClientWriteRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ClientWriteRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClientWriteRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ClientWriteRequest & bftkvs.wire.ClientWriteRequest.$Shape} ClientWriteRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ClientWriteRequest & bftkvs.wire.ClientWriteRequest.$Shape;
        }

        namespace ClientWriteRequest {

            /** Properties of a ClientWriteRequest. */
            interface $Properties {

                /** ClientWriteRequest requestId */
                requestId?: (number|null);

                /** ClientWriteRequest key */
                key?: (string|null);

                /** ClientWriteRequest writer */
                writer?: (string|null);

                /** ClientWriteRequest publishTimeUs */
                publishTimeUs?: (number|null);

                /** ClientWriteRequest value */
                value?: (bftkvs.wire.Value.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ClientWriteRequest. */
            type $Shape = {
              requestId?: number|null;
              key?: string|null;
              writer?: string|null;
              publishTimeUs?: number|null;
              value?: bftkvs.wire.Value.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a ClientWriteReply.
         * @deprecated Use bftkvs.wire.ClientWriteReply.$Properties instead.
         */
        interface IClientWriteReply extends bftkvs.wire.ClientWriteReply.$Properties {
        }

        /** Represents a ClientWriteReply. */
        class ClientWriteReply {

            /**
             * Constructs a new ClientWriteReply.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ClientWriteReply.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ClientWriteReply requestId. */
            requestId: number;

            /** ClientWriteReply code. */
            code: bftkvs.wire.ErrorCode;

            /** ClientWriteReply message. */
            message: string;

            /** ClientWriteReply publishTimeUs. */
            publishTimeUs: number;

            /**
             * Creates a new ClientWriteReply instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ClientWriteReply instance
             */
            static create(properties: bftkvs.wire.ClientWriteReply.$Shape): bftkvs.wire.ClientWriteReply & bftkvs.wire.ClientWriteReply.$Shape;
            static create(properties?: bftkvs.wire.ClientWriteReply.$Properties): bftkvs.wire.ClientWriteReply;

            /**
             * Encodes the specified ClientWriteReply message. Does not implicitly {@link bftkvs.wire.ClientWriteReply.verify|verify} messages.
             * @param message ClientWriteReply message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ClientWriteReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClientWriteReply message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ClientWriteReply & bftkvs.wire.ClientWriteReply.$Shape} ClientWriteReply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ClientWriteReply & bftkvs.wire.ClientWriteReply.$Shape;
        }

        namespace ClientWriteReply {

            /** Properties of a ClientWriteReply. */
            interface $Properties {

                /** ClientWriteReply requestId */
                requestId?: (number|null);

                /** ClientWriteReply code */
                code?: (bftkvs.wire.ErrorCode|null);

                /** ClientWriteReply message */
                message?: (string|null);

                /** ClientWriteReply publishTimeUs */
                publishTimeUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ClientWriteReply. */
            type $Shape = bftkvs.wire.ClientWriteReply.$Properties;
        }

        /**
         * Properties of a ClientReadRequest.
         * @deprecated Use bftkvs.wire.ClientReadRequest.$Properties instead.
         */
        interface IClientReadRequest extends bftkvs.wire.ClientReadRequest.$Properties {
        }

        /** Represents a ClientReadRequest. */
        class ClientReadRequest {

            /**
             * Constructs a new ClientReadRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ClientReadRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ClientReadRequest requestId. */
            requestId: number;

            /** ClientReadRequest key. */
            key: string;

            /** ClientReadRequest earliestUs. */
            earliestUs: number;

            /**
             * Creates a new ClientReadRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ClientReadRequest instance
             */
            static create(properties: bftkvs.wire.ClientReadRequest.$Shape): bftkvs.wire.ClientReadRequest & bftkvs.wire.ClientReadRequest.$Shape;
            static create(properties?: bftkvs.wire.ClientReadRequest.$Properties): bftkvs.wire.ClientReadRequest;

            /**
             * Encodes the specified ClientReadRequest message. Does not implicitly {@link bftkvs.wire.ClientReadRequest.verify|verify} messages.
             * @param message ClientReadRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ClientReadRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClientReadRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ClientReadRequest & bftkvs.wire.ClientReadRequest.$Shape} ClientReadRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ClientReadRequest & bftkvs.wire.ClientReadRequest.$Shape;
        }

        namespace ClientReadRequest {

            /** Properties of a ClientReadRequest. */
            interface $Properties {

                /** ClientReadRequest requestId */
                requestId?: (number|null);

                /** ClientReadRequest key */
                key?: (string|null);

                /** ClientReadRequest earliestUs */
                earliestUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ClientReadRequest. */
            type $Shape = bftkvs.wire.ClientReadRequest.$Properties;
        }

        /**
         * Properties of a ClientReadReply.
         * @deprecated Use bftkvs.wire.ClientReadReply.$Properties instead.
         */
        interface IClientReadReply extends bftkvs.wire.ClientReadReply.$Properties {
        }

        /** Represents a ClientReadReply. */
        class ClientReadReply {

            /**
             * Constructs a new ClientReadReply.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ClientReadReply.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ClientReadReply requestId. */
            requestId: number;

            /** ClientReadReply code. */
            code: bftkvs.wire.ErrorCode;

            /** ClientReadReply message. */
            message: string;

            /** ClientReadReply slot. */
            slot?: (bftkvs.wire.PublishedSlot.$Properties|null);

            /** ClientReadReply nowUs. */
            nowUs: number;

            /**
             * Creates a new ClientReadReply instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ClientReadReply instance
             */
            static create(properties: bftkvs.wire.ClientReadReply.$Shape): bftkvs.wire.ClientReadReply & bftkvs.wire.ClientReadReply.$Shape;
            static create(properties?: bftkvs.wire.ClientReadReply.$Properties): bftkvs.wire.ClientReadReply;

            /**
             * Encodes the specified ClientReadReply message. Does not implicitly {@link bftkvs.wire.ClientReadReply.verify|verify} messages.
             * @param message ClientReadReply message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ClientReadReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClientReadReply message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ClientReadReply & bftkvs.wire.ClientReadReply.$Shape} ClientReadReply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ClientReadReply & bftkvs.wire.ClientReadReply.$Shape;
        }

        namespace ClientReadReply {

            /** Properties of a ClientReadReply. */
            interface $Properties {

                /** ClientReadReply requestId */
                requestId?: (number|null);

                /** ClientReadReply code */
                code?: (bftkvs.wire.ErrorCode|null);

                /** ClientReadReply message */
                message?: (string|null);

                /** ClientReadReply slot */
                slot?: (bftkvs.wire.PublishedSlot.$Properties|null);

                /** ClientReadReply nowUs */
                nowUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ClientReadReply. */
            type $Shape = {
              requestId?: number|null;
              code?: bftkvs.wire.ErrorCode|null;
              message?: string|null;
              slot?: bftkvs.wire.PublishedSlot.$Shape|null;
              nowUs?: number|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a ClientSubscribe.
         * @deprecated Use bftkvs.wire.ClientSubscribe.$Properties instead.
         */
        interface IClientSubscribe extends bftkvs.wire.ClientSubscribe.$Properties {
        }

        /** Represents a ClientSubscribe. */
        class ClientSubscribe {

            /**
             * Constructs a new ClientSubscribe.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ClientSubscribe.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ClientSubscribe requestId. */
            requestId: number;

            /** ClientSubscribe keys. */
            keys: string[];

            /** ClientSubscribe unsubscribe. */
            unsubscribe: boolean;

            /** ClientSubscribe agreedOnly. */
            agreedOnly: boolean;

            /**
             * Creates a new ClientSubscribe instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ClientSubscribe instance
             */
            static create(properties: bftkvs.wire.ClientSubscribe.$Shape): bftkvs.wire.ClientSubscribe & bftkvs.wire.ClientSubscribe.$Shape;
            static create(properties?: bftkvs.wire.ClientSubscribe.$Properties): bftkvs.wire.ClientSubscribe;

            /**
             * Encodes the specified ClientSubscribe message. Does not implicitly {@link bftkvs.wire.ClientSubscribe.verify|verify} messages.
             * @param message ClientSubscribe message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ClientSubscribe.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClientSubscribe message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ClientSubscribe & bftkvs.wire.ClientSubscribe.$Shape} ClientSubscribe
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ClientSubscribe & bftkvs.wire.ClientSubscribe.$Shape;
        }

        namespace ClientSubscribe {

            /** Properties of a ClientSubscribe. */
            interface $Properties {

                /** ClientSubscribe requestId */
                requestId?: (number|null);

                /** ClientSubscribe keys */
                keys?: (string[]|null);

                /** ClientSubscribe unsubscribe */
                unsubscribe?: (boolean|null);

                /** ClientSubscribe agreedOnly */
                agreedOnly?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ClientSubscribe. */
            type $Shape = bftkvs.wire.ClientSubscribe.$Properties;
        }

        /**
         * Properties of a SlotNotice.
         * @deprecated Use bftkvs.wire.SlotNotice.$Properties instead.
         */
        interface ISlotNotice extends bftkvs.wire.SlotNotice.$Properties {
        }

        /** Represents a SlotNotice. */
        class SlotNotice {

            /**
             * Constructs a new SlotNotice.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.SlotNotice.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SlotNotice slot. */
            slot?: (bftkvs.wire.PublishedSlot.$Properties|null);

            /**
             * Creates a new SlotNotice instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SlotNotice instance
             */
            static create(properties: bftkvs.wire.SlotNotice.$Shape): bftkvs.wire.SlotNotice & bftkvs.wire.SlotNotice.$Shape;
            static create(properties?: bftkvs.wire.SlotNotice.$Properties): bftkvs.wire.SlotNotice;

            /**
             * Encodes the specified SlotNotice message. Does not implicitly {@link bftkvs.wire.SlotNotice.verify|verify} messages.
             * @param message SlotNotice message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.SlotNotice.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SlotNotice message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.SlotNotice & bftkvs.wire.SlotNotice.$Shape} SlotNotice
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.SlotNotice & bftkvs.wire.SlotNotice.$Shape;
        }

        namespace SlotNotice {

            /** Properties of a SlotNotice. */
            interface $Properties {

                /** SlotNotice slot */
                slot?: (bftkvs.wire.PublishedSlot.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SlotNotice. */
            type $Shape = {
              slot?: bftkvs.wire.PublishedSlot.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a StatusRequest.
         * @deprecated Use bftkvs.wire.StatusRequest.$Properties instead.
         */
        interface IStatusRequest extends bftkvs.wire.StatusRequest.$Properties {
        }

        /** Represents a StatusRequest. */
        class StatusRequest {

            /**
             * Constructs a new StatusRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.StatusRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StatusRequest requestId. */
            requestId: number;

            /**
             * Creates a new StatusRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StatusRequest instance
             */
            static create(properties: bftkvs.wire.StatusRequest.$Shape): bftkvs.wire.StatusRequest & bftkvs.wire.StatusRequest.$Shape;
            static create(properties?: bftkvs.wire.StatusRequest.$Properties): bftkvs.wire.StatusRequest;

            /**
             * Encodes the specified StatusRequest message. Does not implicitly {@link bftkvs.wire.StatusRequest.verify|verify} messages.
             * @param message StatusRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.StatusRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StatusRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.StatusRequest & bftkvs.wire.StatusRequest.$Shape} StatusRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.StatusRequest & bftkvs.wire.StatusRequest.$Shape;
        }

        namespace StatusRequest {

            /** Properties of a StatusRequest. */
            interface $Properties {

                /** StatusRequest requestId */
                requestId?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StatusRequest. */
            type $Shape = bftkvs.wire.StatusRequest.$Properties;
        }

        /**
         * Properties of a Suspicion.
         * @deprecated Use bftkvs.wire.Suspicion.$Properties instead.
         */
        interface ISuspicion extends bftkvs.wire.Suspicion.$Properties {
        }

        /** Represents a Suspicion. */
        class Suspicion {

            /**
             * Constructs a new Suspicion.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Suspicion.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Suspicion node. */
            node: number;

            /** Suspicion reason. */
            reason: string;

            /** Suspicion count. */
            count: number;

            /** Suspicion lastUs. */
            lastUs: number;

            /**
             * Creates a new Suspicion instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Suspicion instance
             */
            static create(properties: bftkvs.wire.Suspicion.$Shape): bftkvs.wire.Suspicion & bftkvs.wire.Suspicion.$Shape;
            static create(properties?: bftkvs.wire.Suspicion.$Properties): bftkvs.wire.Suspicion;

            /**
             * Encodes the specified Suspicion message. Does not implicitly {@link bftkvs.wire.Suspicion.verify|verify} messages.
             * @param message Suspicion message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Suspicion.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Suspicion message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Suspicion & bftkvs.wire.Suspicion.$Shape} Suspicion
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Suspicion & bftkvs.wire.Suspicion.$Shape;
        }

        namespace Suspicion {

            /** Properties of a Suspicion. */
            interface $Properties {

                /** Suspicion node */
                node?: (number|null);

                /** Suspicion reason */
                reason?: (string|null);

                /** Suspicion count */
                count?: (number|null);

                /** Suspicion lastUs */
                lastUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Suspicion. */
            type $Shape = bftkvs.wire.Suspicion.$Properties;
        }

        /**
         * Properties of a Counter.
         * @deprecated Use bftkvs.wire.Counter.$Properties instead.
         */
        interface ICounter extends bftkvs.wire.Counter.$Properties {
        }

        /** Represents a Counter. */
        class Counter {

            /**
             * Constructs a new Counter.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Counter.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Counter name. */
            name: string;

            /** Counter value. */
            value: number;

            /**
             * Creates a new Counter instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Counter instance
             */
            static create(properties: bftkvs.wire.Counter.$Shape): bftkvs.wire.Counter & bftkvs.wire.Counter.$Shape;
            static create(properties?: bftkvs.wire.Counter.$Properties): bftkvs.wire.Counter;

            /**
             * Encodes the specified Counter message. Does not implicitly {@link bftkvs.wire.Counter.verify|verify} messages.
             * @param message Counter message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Counter.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Counter message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Counter & bftkvs.wire.Counter.$Shape} Counter
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Counter & bftkvs.wire.Counter.$Shape;
        }

        namespace Counter {

            /** Properties of a Counter. */
            interface $Properties {

                /** Counter name */
                name?: (string|null);

                /** Counter value */
                value?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Counter. */
            type $Shape = bftkvs.wire.Counter.$Properties;
        }

        /**
         * Properties of a ReplicaHealth.
         * @deprecated Use bftkvs.wire.ReplicaHealth.$Properties instead.
         */
        interface IReplicaHealth extends bftkvs.wire.ReplicaHealth.$Properties {
        }

        /** Represents a ReplicaHealth. */
        class ReplicaHealth {

            /**
             * Constructs a new ReplicaHealth.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ReplicaHealth.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ReplicaHealth replica. */
            replica: number;

            /** ReplicaHealth mode. */
            mode: string;

            /** ReplicaHealth view. */
            view: number;

            /** ReplicaHealth primary. */
            primary: number;

            /** ReplicaHealth suspects. */
            suspects: bftkvs.wire.Suspicion.$Properties[];

            /** ReplicaHealth slotsPublished. */
            slotsPublished: number;

            /** ReplicaHealth slotsAgreed. */
            slotsAgreed: number;

            /** ReplicaHealth slotsRepaired. */
            slotsRepaired: number;

            /** ReplicaHealth deadlineMisses. */
            deadlineMisses: number;

            /** ReplicaHealth nowUs. */
            nowUs: number;

            /** ReplicaHealth counters. */
            counters: bftkvs.wire.Counter.$Properties[];

            /** ReplicaHealth stableSeq. */
            stableSeq: number;

            /** ReplicaHealth ready. */
            ready: boolean;

            /**
             * Creates a new ReplicaHealth instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ReplicaHealth instance
             */
            static create(properties: bftkvs.wire.ReplicaHealth.$Shape): bftkvs.wire.ReplicaHealth & bftkvs.wire.ReplicaHealth.$Shape;
            static create(properties?: bftkvs.wire.ReplicaHealth.$Properties): bftkvs.wire.ReplicaHealth;

            /**
             * Encodes the specified ReplicaHealth message. Does not implicitly {@link bftkvs.wire.ReplicaHealth.verify|verify} messages.
             * @param message ReplicaHealth message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ReplicaHealth.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ReplicaHealth message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ReplicaHealth & bftkvs.wire.ReplicaHealth.$Shape} ReplicaHealth
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ReplicaHealth & bftkvs.wire.ReplicaHealth.$Shape;
        }

        namespace ReplicaHealth {

            /** Properties of a ReplicaHealth. */
            interface $Properties {

                /** ReplicaHealth replica */
                replica?: (number|null);

                /** ReplicaHealth mode */
                mode?: (string|null);

                /** ReplicaHealth view */
                view?: (number|null);

                /** ReplicaHealth primary */
                primary?: (number|null);

                /** ReplicaHealth suspects */
                suspects?: (bftkvs.wire.Suspicion.$Properties[]|null);

                /** ReplicaHealth slotsPublished */
                slotsPublished?: (number|null);

                /** ReplicaHealth slotsAgreed */
                slotsAgreed?: (number|null);

                /** ReplicaHealth slotsRepaired */
                slotsRepaired?: (number|null);

                /** ReplicaHealth deadlineMisses */
                deadlineMisses?: (number|null);

                /** ReplicaHealth nowUs */
                nowUs?: (number|null);

                /** ReplicaHealth counters */
                counters?: (bftkvs.wire.Counter.$Properties[]|null);

                /** ReplicaHealth stableSeq */
                stableSeq?: (number|null);

                /** ReplicaHealth ready */
                ready?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReplicaHealth. */
            type $Shape = bftkvs.wire.ReplicaHealth.$Properties;
        }

        /**
         * Properties of a StatusReply.
         * @deprecated Use bftkvs.wire.StatusReply.$Properties instead.
         */
        interface IStatusReply extends bftkvs.wire.StatusReply.$Properties {
        }

        /** Represents a StatusReply. */
        class StatusReply {

            /**
             * Constructs a new StatusReply.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.StatusReply.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StatusReply requestId. */
            requestId: number;

            /** StatusReply health. */
            health?: (bftkvs.wire.ReplicaHealth.$Properties|null);

            /**
             * Creates a new StatusReply instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StatusReply instance
             */
            static create(properties: bftkvs.wire.StatusReply.$Shape): bftkvs.wire.StatusReply & bftkvs.wire.StatusReply.$Shape;
            static create(properties?: bftkvs.wire.StatusReply.$Properties): bftkvs.wire.StatusReply;

            /**
             * Encodes the specified StatusReply message. Does not implicitly {@link bftkvs.wire.StatusReply.verify|verify} messages.
             * @param message StatusReply message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.StatusReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StatusReply message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.StatusReply & bftkvs.wire.StatusReply.$Shape} StatusReply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.StatusReply & bftkvs.wire.StatusReply.$Shape;
        }

        namespace StatusReply {

            /** Properties of a StatusReply. */
            interface $Properties {

                /** StatusReply requestId */
                requestId?: (number|null);

                /** StatusReply health */
                health?: (bftkvs.wire.ReplicaHealth.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StatusReply. */
            type $Shape = bftkvs.wire.StatusReply.$Properties;
        }

        /**
         * Properties of a Batch.
         * @deprecated Use bftkvs.wire.Batch.$Properties instead.
         */
        interface IBatch extends bftkvs.wire.Batch.$Properties {
        }

        /** Represents a Batch. */
        class Batch {

            /**
             * Constructs a new Batch.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Batch.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Batch tauUs. */
            tauUs: number;

            /** Batch writes. */
            writes: bftkvs.wire.AuthenticatedWrite.$Properties[];

            /** Batch sync. */
            sync?: (bftkvs.wire.SyncProposal.$Properties|null);

            /**
             * Creates a new Batch instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Batch instance
             */
            static create(properties: bftkvs.wire.Batch.$Shape): bftkvs.wire.Batch & bftkvs.wire.Batch.$Shape;
            static create(properties?: bftkvs.wire.Batch.$Properties): bftkvs.wire.Batch;

            /**
             * Encodes the specified Batch message. Does not implicitly {@link bftkvs.wire.Batch.verify|verify} messages.
             * @param message Batch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Batch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Batch message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Batch & bftkvs.wire.Batch.$Shape} Batch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Batch & bftkvs.wire.Batch.$Shape;
        }

        namespace Batch {

            /** Properties of a Batch. */
            interface $Properties {

                /** Batch tauUs */
                tauUs?: (number|null);

                /** Batch writes */
                writes?: (bftkvs.wire.AuthenticatedWrite.$Properties[]|null);

                /** Batch sync */
                sync?: (bftkvs.wire.SyncProposal.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Batch. */
            type $Shape = bftkvs.wire.Batch.$Properties;
        }

        /**
         * Properties of a PrePrepare.
         * @deprecated Use bftkvs.wire.PrePrepare.$Properties instead.
         */
        interface IPrePrepare extends bftkvs.wire.PrePrepare.$Properties {
        }

        /** Represents a PrePrepare. */
        class PrePrepare {

            /**
             * Constructs a new PrePrepare.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.PrePrepare.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PrePrepare view. */
            view: number;

            /** PrePrepare seq. */
            seq: number;

            /** PrePrepare batch. */
            batch: Uint8Array;

            /**
             * Creates a new PrePrepare instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PrePrepare instance
             */
            static create(properties: bftkvs.wire.PrePrepare.$Shape): bftkvs.wire.PrePrepare & bftkvs.wire.PrePrepare.$Shape;
            static create(properties?: bftkvs.wire.PrePrepare.$Properties): bftkvs.wire.PrePrepare;

            /**
             * Encodes the specified PrePrepare message. Does not implicitly {@link bftkvs.wire.PrePrepare.verify|verify} messages.
             * @param message PrePrepare message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.PrePrepare.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PrePrepare message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.PrePrepare & bftkvs.wire.PrePrepare.$Shape} PrePrepare
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.PrePrepare & bftkvs.wire.PrePrepare.$Shape;
        }

        namespace PrePrepare {

            /** Properties of a PrePrepare. */
            interface $Properties {

                /** PrePrepare view */
                view?: (number|null);

                /** PrePrepare seq */
                seq?: (number|null);

                /** PrePrepare batch */
                batch?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PrePrepare. */
            type $Shape = bftkvs.wire.PrePrepare.$Properties;
        }

        /**
         * Properties of a Prepare.
         * @deprecated Use bftkvs.wire.Prepare.$Properties instead.
         */
        interface IPrepare extends bftkvs.wire.Prepare.$Properties {
        }

        /** Represents a Prepare. */
        class Prepare {

            /**
             * Constructs a new Prepare.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Prepare.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Prepare view. */
            view: number;

            /** Prepare seq. */
            seq: number;

            /** Prepare digest. */
            digest: Uint8Array;

            /** Prepare replica. */
            replica: number;

            /** Prepare signature. */
            signature: Uint8Array;

            /**
             * Creates a new Prepare instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Prepare instance
             */
            static create(properties: bftkvs.wire.Prepare.$Shape): bftkvs.wire.Prepare & bftkvs.wire.Prepare.$Shape;
            static create(properties?: bftkvs.wire.Prepare.$Properties): bftkvs.wire.Prepare;

            /**
             * Encodes the specified Prepare message. Does not implicitly {@link bftkvs.wire.Prepare.verify|verify} messages.
             * @param message Prepare message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Prepare.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Prepare message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Prepare & bftkvs.wire.Prepare.$Shape} Prepare
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Prepare & bftkvs.wire.Prepare.$Shape;
        }

        namespace Prepare {

            /** Properties of a Prepare. */
            interface $Properties {

                /** Prepare view */
                view?: (number|null);

                /** Prepare seq */
                seq?: (number|null);

                /** Prepare digest */
                digest?: (Uint8Array|null);

                /** Prepare replica */
                replica?: (number|null);

                /** Prepare signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Prepare. */
            type $Shape = bftkvs.wire.Prepare.$Properties;
        }

        /**
         * Properties of a Commit.
         * @deprecated Use bftkvs.wire.Commit.$Properties instead.
         */
        interface ICommit extends bftkvs.wire.Commit.$Properties {
        }

        /** Represents a Commit. */
        class Commit {

            /**
             * Constructs a new Commit.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Commit.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Commit view. */
            view: number;

            /** Commit seq. */
            seq: number;

            /** Commit digest. */
            digest: Uint8Array;

            /**
             * Creates a new Commit instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Commit instance
             */
            static create(properties: bftkvs.wire.Commit.$Shape): bftkvs.wire.Commit & bftkvs.wire.Commit.$Shape;
            static create(properties?: bftkvs.wire.Commit.$Properties): bftkvs.wire.Commit;

            /**
             * Encodes the specified Commit message. Does not implicitly {@link bftkvs.wire.Commit.verify|verify} messages.
             * @param message Commit message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Commit.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Commit message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Commit & bftkvs.wire.Commit.$Shape} Commit
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Commit & bftkvs.wire.Commit.$Shape;
        }

        namespace Commit {

            /** Properties of a Commit. */
            interface $Properties {

                /** Commit view */
                view?: (number|null);

                /** Commit seq */
                seq?: (number|null);

                /** Commit digest */
                digest?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Commit. */
            type $Shape = bftkvs.wire.Commit.$Properties;
        }

        /**
         * Properties of a Checkpoint.
         * @deprecated Use bftkvs.wire.Checkpoint.$Properties instead.
         */
        interface ICheckpoint extends bftkvs.wire.Checkpoint.$Properties {
        }

        /** Represents a Checkpoint. */
        class Checkpoint {

            /**
             * Constructs a new Checkpoint.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Checkpoint.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Checkpoint seq. */
            seq: number;

            /** Checkpoint stateDigest. */
            stateDigest: Uint8Array;

            /** Checkpoint replica. */
            replica: number;

            /** Checkpoint signature. */
            signature: Uint8Array;

            /**
             * Creates a new Checkpoint instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Checkpoint instance
             */
            static create(properties: bftkvs.wire.Checkpoint.$Shape): bftkvs.wire.Checkpoint & bftkvs.wire.Checkpoint.$Shape;
            static create(properties?: bftkvs.wire.Checkpoint.$Properties): bftkvs.wire.Checkpoint;

            /**
             * Encodes the specified Checkpoint message. Does not implicitly {@link bftkvs.wire.Checkpoint.verify|verify} messages.
             * @param message Checkpoint message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Checkpoint.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Checkpoint message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Checkpoint & bftkvs.wire.Checkpoint.$Shape} Checkpoint
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Checkpoint & bftkvs.wire.Checkpoint.$Shape;
        }

        namespace Checkpoint {

            /** Properties of a Checkpoint. */
            interface $Properties {

                /** Checkpoint seq */
                seq?: (number|null);

                /** Checkpoint stateDigest */
                stateDigest?: (Uint8Array|null);

                /** Checkpoint replica */
                replica?: (number|null);

                /** Checkpoint signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Checkpoint. */
            type $Shape = bftkvs.wire.Checkpoint.$Properties;
        }

        /**
         * Properties of a PreparedProof.
         * @deprecated Use bftkvs.wire.PreparedProof.$Properties instead.
         */
        interface IPreparedProof extends bftkvs.wire.PreparedProof.$Properties {
        }

        /** Represents a PreparedProof. */
        class PreparedProof {

            /**
             * Constructs a new PreparedProof.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.PreparedProof.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PreparedProof view. */
            view: number;

            /** PreparedProof seq. */
            seq: number;

            /** PreparedProof batch. */
            batch: Uint8Array;

            /** PreparedProof prepares. */
            prepares: bftkvs.wire.Prepare.$Properties[];

            /**
             * Creates a new PreparedProof instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PreparedProof instance
             */
            static create(properties: bftkvs.wire.PreparedProof.$Shape): bftkvs.wire.PreparedProof & bftkvs.wire.PreparedProof.$Shape;
            static create(properties?: bftkvs.wire.PreparedProof.$Properties): bftkvs.wire.PreparedProof;

            /**
             * Encodes the specified PreparedProof message. Does not implicitly {@link bftkvs.wire.PreparedProof.verify|verify} messages.
             * @param message PreparedProof message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.PreparedProof.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PreparedProof message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.PreparedProof & bftkvs.wire.PreparedProof.$Shape} PreparedProof
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.PreparedProof & bftkvs.wire.PreparedProof.$Shape;
        }

        namespace PreparedProof {

            /** Properties of a PreparedProof. */
            interface $Properties {

                /** PreparedProof view */
                view?: (number|null);

                /** PreparedProof seq */
                seq?: (number|null);

                /** PreparedProof batch */
                batch?: (Uint8Array|null);

                /** PreparedProof prepares */
                prepares?: (bftkvs.wire.Prepare.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PreparedProof. */
            type $Shape = bftkvs.wire.PreparedProof.$Properties;
        }

        /**
         * Properties of a ViewChange.
         * @deprecated Use bftkvs.wire.ViewChange.$Properties instead.
         */
        interface IViewChange extends bftkvs.wire.ViewChange.$Properties {
        }

        /** Represents a ViewChange. */
        class ViewChange {

            /**
             * Constructs a new ViewChange.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ViewChange.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ViewChange newView. */
            newView: number;

            /** ViewChange stableSeq. */
            stableSeq: number;

            /** ViewChange stableProof. */
            stableProof: bftkvs.wire.Checkpoint.$Properties[];

            /** ViewChange prepared. */
            prepared: bftkvs.wire.PreparedProof.$Properties[];

            /** ViewChange maxTauUs. */
            maxTauUs: number;

            /** ViewChange replica. */
            replica: number;

            /** ViewChange signature. */
            signature: Uint8Array;

            /**
             * Creates a new ViewChange instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ViewChange instance
             */
            static create(properties: bftkvs.wire.ViewChange.$Shape): bftkvs.wire.ViewChange & bftkvs.wire.ViewChange.$Shape;
            static create(properties?: bftkvs.wire.ViewChange.$Properties): bftkvs.wire.ViewChange;

            /**
             * Encodes the specified ViewChange message. Does not implicitly {@link bftkvs.wire.ViewChange.verify|verify} messages.
             * @param message ViewChange message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ViewChange.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ViewChange message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ViewChange & bftkvs.wire.ViewChange.$Shape} ViewChange
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ViewChange & bftkvs.wire.ViewChange.$Shape;
        }

        namespace ViewChange {

            /** Properties of a ViewChange. */
            interface $Properties {

                /** ViewChange newView */
                newView?: (number|null);

                /** ViewChange stableSeq */
                stableSeq?: (number|null);

                /** ViewChange stableProof */
                stableProof?: (bftkvs.wire.Checkpoint.$Properties[]|null);

                /** ViewChange prepared */
                prepared?: (bftkvs.wire.PreparedProof.$Properties[]|null);

                /** ViewChange maxTauUs */
                maxTauUs?: (number|null);

                /** ViewChange replica */
                replica?: (number|null);

                /** ViewChange signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ViewChange. */
            type $Shape = bftkvs.wire.ViewChange.$Properties;
        }

        /**
         * Properties of a NewView.
         * @deprecated Use bftkvs.wire.NewView.$Properties instead.
         */
        interface INewView extends bftkvs.wire.NewView.$Properties {
        }

        /** Represents a NewView. */
        class NewView {

            /**
             * Constructs a new NewView.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.NewView.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** NewView view. */
            view: number;

            /** NewView viewChanges. */
            viewChanges: bftkvs.wire.ViewChange.$Properties[];

            /** NewView prePrepares. */
            prePrepares: bftkvs.wire.PrePrepare.$Properties[];

            /** NewView replica. */
            replica: number;

            /** NewView signature. */
            signature: Uint8Array;

            /**
             * Creates a new NewView instance using the specified properties.
             * @param [properties] Properties to set
             * @returns NewView instance
             */
            static create(properties: bftkvs.wire.NewView.$Shape): bftkvs.wire.NewView & bftkvs.wire.NewView.$Shape;
            static create(properties?: bftkvs.wire.NewView.$Properties): bftkvs.wire.NewView;

            /**
             * Encodes the specified NewView message. Does not implicitly {@link bftkvs.wire.NewView.verify|verify} messages.
             * @param message NewView message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.NewView.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a NewView message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.NewView & bftkvs.wire.NewView.$Shape} NewView
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.NewView & bftkvs.wire.NewView.$Shape;
        }

        namespace NewView {

            /** Properties of a NewView. */
            interface $Properties {

                /** NewView view */
                view?: (number|null);

                /** NewView viewChanges */
                viewChanges?: (bftkvs.wire.ViewChange.$Properties[]|null);

                /** NewView prePrepares */
                prePrepares?: (bftkvs.wire.PrePrepare.$Properties[]|null);

                /** NewView replica */
                replica?: (number|null);

                /** NewView signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a NewView. */
            type $Shape = bftkvs.wire.NewView.$Properties;
        }

        /**
         * Properties of a ReportedSlot.
         * @deprecated Use bftkvs.wire.ReportedSlot.$Properties instead.
         */
        interface IReportedSlot extends bftkvs.wire.ReportedSlot.$Properties {
        }

        /** Represents a ReportedSlot. */
        class ReportedSlot {

            /**
             * Constructs a new ReportedSlot.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.ReportedSlot.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ReportedSlot key. */
            key: string;

            /** ReportedSlot publishTimeUs. */
            publishTimeUs: number;

            /** ReportedSlot writes. */
            writes: bftkvs.wire.AuthenticatedWrite.$Properties[];

            /**
             * Creates a new ReportedSlot instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ReportedSlot instance
             */
            static create(properties: bftkvs.wire.ReportedSlot.$Shape): bftkvs.wire.ReportedSlot & bftkvs.wire.ReportedSlot.$Shape;
            static create(properties?: bftkvs.wire.ReportedSlot.$Properties): bftkvs.wire.ReportedSlot;

            /**
             * Encodes the specified ReportedSlot message. Does not implicitly {@link bftkvs.wire.ReportedSlot.verify|verify} messages.
             * @param message ReportedSlot message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.ReportedSlot.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ReportedSlot message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.ReportedSlot & bftkvs.wire.ReportedSlot.$Shape} ReportedSlot
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.ReportedSlot & bftkvs.wire.ReportedSlot.$Shape;
        }

        namespace ReportedSlot {

            /** Properties of a ReportedSlot. */
            interface $Properties {

                /** ReportedSlot key */
                key?: (string|null);

                /** ReportedSlot publishTimeUs */
                publishTimeUs?: (number|null);

                /** ReportedSlot writes */
                writes?: (bftkvs.wire.AuthenticatedWrite.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ReportedSlot. */
            type $Shape = bftkvs.wire.ReportedSlot.$Properties;
        }

        /**
         * Properties of a SyncReport.
         * @deprecated Use bftkvs.wire.SyncReport.$Properties instead.
         */
        interface ISyncReport extends bftkvs.wire.SyncReport.$Properties {
        }

        /** Represents a SyncReport. */
        class SyncReport {

            /**
             * Constructs a new SyncReport.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.SyncReport.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SyncReport round. */
            round: number;

            /** SyncReport fromUs. */
            fromUs: number;

            /** SyncReport toUs. */
            toUs: number;

            /** SyncReport slots. */
            slots: bftkvs.wire.ReportedSlot.$Properties[];

            /** SyncReport replica. */
            replica: number;

            /** SyncReport signature. */
            signature: Uint8Array;

            /**
             * Creates a new SyncReport instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SyncReport instance
             */
            static create(properties: bftkvs.wire.SyncReport.$Shape): bftkvs.wire.SyncReport & bftkvs.wire.SyncReport.$Shape;
            static create(properties?: bftkvs.wire.SyncReport.$Properties): bftkvs.wire.SyncReport;

            /**
             * Encodes the specified SyncReport message. Does not implicitly {@link bftkvs.wire.SyncReport.verify|verify} messages.
             * @param message SyncReport message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.SyncReport.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SyncReport message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.SyncReport & bftkvs.wire.SyncReport.$Shape} SyncReport
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.SyncReport & bftkvs.wire.SyncReport.$Shape;
        }

        namespace SyncReport {

            /** Properties of a SyncReport. */
            interface $Properties {

                /** SyncReport round */
                round?: (number|null);

                /** SyncReport fromUs */
                fromUs?: (number|null);

                /** SyncReport toUs */
                toUs?: (number|null);

                /** SyncReport slots */
                slots?: (bftkvs.wire.ReportedSlot.$Properties[]|null);

                /** SyncReport replica */
                replica?: (number|null);

                /** SyncReport signature */
                signature?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncReport. */
            type $Shape = bftkvs.wire.SyncReport.$Properties;
        }

        /**
         * Properties of an Equivocation.
         * @deprecated Use bftkvs.wire.Equivocation.$Properties instead.
         */
        interface IEquivocation extends bftkvs.wire.Equivocation.$Properties {
        }

        /** Represents an Equivocation. */
        class Equivocation {

            /**
             * Constructs a new Equivocation.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.Equivocation.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Equivocation writer. */
            writer: string;

            /** Equivocation origin. */
            origin: number;

            /** Equivocation key. */
            key: string;

            /** Equivocation publishTimeUs. */
            publishTimeUs: number;

            /**
             * Creates a new Equivocation instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Equivocation instance
             */
            static create(properties: bftkvs.wire.Equivocation.$Shape): bftkvs.wire.Equivocation & bftkvs.wire.Equivocation.$Shape;
            static create(properties?: bftkvs.wire.Equivocation.$Properties): bftkvs.wire.Equivocation;

            /**
             * Encodes the specified Equivocation message. Does not implicitly {@link bftkvs.wire.Equivocation.verify|verify} messages.
             * @param message Equivocation message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.Equivocation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Equivocation message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.Equivocation & bftkvs.wire.Equivocation.$Shape} Equivocation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.Equivocation & bftkvs.wire.Equivocation.$Shape;
        }

        namespace Equivocation {

            /** Properties of an Equivocation. */
            interface $Properties {

                /** Equivocation writer */
                writer?: (string|null);

                /** Equivocation origin */
                origin?: (number|null);

                /** Equivocation key */
                key?: (string|null);

                /** Equivocation publishTimeUs */
                publishTimeUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Equivocation. */
            type $Shape = bftkvs.wire.Equivocation.$Properties;
        }

        /**
         * Properties of a SyncProposal.
         * @deprecated Use bftkvs.wire.SyncProposal.$Properties instead.
         */
        interface ISyncProposal extends bftkvs.wire.SyncProposal.$Properties {
        }

        /** Represents a SyncProposal. */
        class SyncProposal {

            /**
             * Constructs a new SyncProposal.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.SyncProposal.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SyncProposal round. */
            round: number;

            /** SyncProposal fromUs. */
            fromUs: number;

            /** SyncProposal toUs. */
            toUs: number;

            /** SyncProposal reports. */
            reports: bftkvs.wire.SyncReport.$Properties[];

            /**
             * Creates a new SyncProposal instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SyncProposal instance
             */
            static create(properties: bftkvs.wire.SyncProposal.$Shape): bftkvs.wire.SyncProposal & bftkvs.wire.SyncProposal.$Shape;
            static create(properties?: bftkvs.wire.SyncProposal.$Properties): bftkvs.wire.SyncProposal;

            /**
             * Encodes the specified SyncProposal message. Does not implicitly {@link bftkvs.wire.SyncProposal.verify|verify} messages.
             * @param message SyncProposal message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.SyncProposal.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SyncProposal message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.SyncProposal & bftkvs.wire.SyncProposal.$Shape} SyncProposal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.SyncProposal & bftkvs.wire.SyncProposal.$Shape;
        }

        namespace SyncProposal {

            /** Properties of a SyncProposal. */
            interface $Properties {

                /** SyncProposal round */
                round?: (number|null);

                /** SyncProposal fromUs */
                fromUs?: (number|null);

                /** SyncProposal toUs */
                toUs?: (number|null);

                /** SyncProposal reports */
                reports?: (bftkvs.wire.SyncReport.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SyncProposal. */
            type $Shape = bftkvs.wire.SyncProposal.$Properties;
        }

        /**
         * Properties of a StateRequest.
         * @deprecated Use bftkvs.wire.StateRequest.$Properties instead.
         */
        interface IStateRequest extends bftkvs.wire.StateRequest.$Properties {
        }

        /** Represents a StateRequest. */
        class StateRequest {

            /**
             * Constructs a new StateRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.StateRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateRequest requestId. */
            requestId: number;

            /** StateRequest sinceUs. */
            sinceUs: number;

            /**
             * Creates a new StateRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StateRequest instance
             */
            static create(properties: bftkvs.wire.StateRequest.$Shape): bftkvs.wire.StateRequest & bftkvs.wire.StateRequest.$Shape;
            static create(properties?: bftkvs.wire.StateRequest.$Properties): bftkvs.wire.StateRequest;

            /**
             * Encodes the specified StateRequest message. Does not implicitly {@link bftkvs.wire.StateRequest.verify|verify} messages.
             * @param message StateRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.StateRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.StateRequest & bftkvs.wire.StateRequest.$Shape} StateRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.StateRequest & bftkvs.wire.StateRequest.$Shape;
        }

        namespace StateRequest {

            /** Properties of a StateRequest. */
            interface $Properties {

                /** StateRequest requestId */
                requestId?: (number|null);

                /** StateRequest sinceUs */
                sinceUs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateRequest. */
            type $Shape = bftkvs.wire.StateRequest.$Properties;
        }

        /**
         * Properties of a StateReply.
         * @deprecated Use bftkvs.wire.StateReply.$Properties instead.
         */
        interface IStateReply extends bftkvs.wire.StateReply.$Properties {
        }

        /** Represents a StateReply. */
        class StateReply {

            /**
             * Constructs a new StateReply.
             * @param [properties] Properties to set
             */
            constructor(properties?: bftkvs.wire.StateReply.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateReply requestId. */
            requestId: number;

            /** StateReply view. */
            view: number;

            /** StateReply stableSeq. */
            stableSeq: number;

            /** StateReply maxTauUs. */
            maxTauUs: number;

            /** StateReply slots. */
            slots: bftkvs.wire.PublishedSlot.$Properties[];

            /** StateReply chunk. */
            chunk: number;

            /** StateReply chunks. */
            chunks: number;

            /** StateReply stateDigest. */
            stateDigest: Uint8Array;

            /**
             * Creates a new StateReply instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StateReply instance
             */
            static create(properties: bftkvs.wire.StateReply.$Shape): bftkvs.wire.StateReply & bftkvs.wire.StateReply.$Shape;
            static create(properties?: bftkvs.wire.StateReply.$Properties): bftkvs.wire.StateReply;

            /**
             * Encodes the specified StateReply message. Does not implicitly {@link bftkvs.wire.StateReply.verify|verify} messages.
             * @param message StateReply message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: bftkvs.wire.StateReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateReply message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {bftkvs.wire.StateReply & bftkvs.wire.StateReply.$Shape} StateReply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): bftkvs.wire.StateReply & bftkvs.wire.StateReply.$Shape;
        }

        namespace StateReply {

            /** Properties of a StateReply. */
            interface $Properties {

                /** StateReply requestId */
                requestId?: (number|null);

                /** StateReply view */
                view?: (number|null);

                /** StateReply stableSeq */
                stableSeq?: (number|null);

                /** StateReply maxTauUs */
                maxTauUs?: (number|null);

                /** StateReply slots */
                slots?: (bftkvs.wire.PublishedSlot.$Properties[]|null);

                /** StateReply chunk */
                chunk?: (number|null);

                /** StateReply chunks */
                chunks?: (number|null);

                /** StateReply stateDigest */
                stateDigest?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateReply. */
            type $Shape = {
              requestId?: number|null;
              view?: number|null;
              stableSeq?: number|null;
              maxTauUs?: number|null;
              slots?: bftkvs.wire.PublishedSlot.$Shape[]|null;
              chunk?: number|null;
              chunks?: number|null;
              stateDigest?: Uint8Array|null;
              $unknowns?: Uint8Array[];
            };
        }
    }
}
