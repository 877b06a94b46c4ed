/**
 * Why this file exists: @serialport/bindings-interface and @serialport/binding-mock publish
 * declarations, but their package.json "exports" maps have no "types" condition, so under
 * moduleResolution "Bundler" TypeScript cannot find them. Every binding type, including those that
 * @serialport/stream's own declarations import, silently became `any` (skipLibCheck hid it).
 * These ambient modules point the package names at the published declaration files: the types
 * are upstream's, not copies. Delete this file once the packages add a "types" condition.
 */
/* eslint-disable @typescript-eslint/consistent-type-imports -- an ambient module may not `import`
   a relative path; `import()` types are the only way to reach the published files. */
declare module '@serialport/bindings-interface' {
  export type BindingInterface<
    T extends BindingPortInterface = BindingPortInterface,
    R extends OpenOptions = OpenOptions,
    P extends PortInfo = PortInfo,
  > = import('../node_modules/@serialport/bindings-interface/dist/index.js').BindingInterface<
    T,
    R,
    P
  >;
  export type BindingPortInterface =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').BindingPortInterface;
  export type BindingsErrorInterface =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').BindingsErrorInterface;
  export type OpenOptions =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').OpenOptions;
  export type OpenOptionsFromBinding<B> =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').OpenOptionsFromBinding<B>;
  export type PortInfo =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').PortInfo;
  export type PortInfoFromBinding<B> =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').PortInfoFromBinding<B>;
  export type PortInterfaceFromBinding<B> =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').PortInterfaceFromBinding<B>;
  export type PortStatus =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').PortStatus;
  export type SetOptions =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').SetOptions;
  export type UpdateOptions =
    import('../node_modules/@serialport/bindings-interface/dist/index.js').UpdateOptions;
}

declare module '@serialport/binding-mock' {
  type Upstream = typeof import('../node_modules/@serialport/binding-mock/dist/index.js');
  export const MockBinding: Upstream['MockBinding'];
  export const MockPortBinding: Upstream['MockPortBinding'];
  export type MockPortBinding =
    import('../node_modules/@serialport/binding-mock/dist/index.js').MockPortBinding;
  export type MockBindingInterface =
    import('../node_modules/@serialport/binding-mock/dist/index.js').MockBindingInterface;
  export type CreatePortOptions =
    import('../node_modules/@serialport/binding-mock/dist/index.js').CreatePortOptions;
  export const CanceledError: Upstream['CanceledError'];
}
