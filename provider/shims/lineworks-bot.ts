// The provider object of lineworks.Bot. This file's path is stored in every such resource's
// state (see core/shim.ts): never move or rename it.
import { dynamicProvider } from "../core/shim";

export = dynamicProvider("lineworks:Bot");
